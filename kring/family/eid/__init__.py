"""Login with Swedish e-ID (BankID, Freja eID) through OpenID Connect, and a local test provider for development."""
