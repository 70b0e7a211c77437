"""Authentication and roles: passwords, sessions, young people's links, who may do what."""
