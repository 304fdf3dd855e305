"""Staff single sign-on: OpenID Connect and SAML 2.0 logins beside the local one (ADR 0015).

The provider proves who the person is; Kring decides what they may do. Only an existing, active staff account of
the provider's municipality can log in, matched on a configured claim; no account is ever created here."""
