"""The only analytics code that reads the database: one module per dashboard, each aggregating
in SQL (GROUP BY, window functions) and handing small tables to the pure functions beside
`core.analytics`. Encrypted columns are never read here."""
