"""The weekly report page (owners): the e-mail as it will be sent, and Send now."""
