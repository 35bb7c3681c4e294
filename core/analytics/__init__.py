"""Numbers for the admin's pages: pure pandas functions (`overview`) and the one module that
reads the database for them (`queries`)."""
