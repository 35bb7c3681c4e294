"""The admin web app (Reflex): owners and agents sign in, work the inbox, edit the knowledge base."""
