"""The family's side of Kring: guardians and young people log in with Swedish e-ID and see their own case."""
