"""Cookie choices: the banner, the choices page and the record of every choice."""
