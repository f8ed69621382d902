from tests.privacy.policies import policy  # noqa: F401 (fixture)
