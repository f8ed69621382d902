"""My data: a signed-in listener's export, corrections, marketing objection and erasure."""
