"""Storage: the tables, the database connection and its migrations."""
