"""Django-free algorithms of the commons app: voting and participatory-budget rules, pabulib files,
the ledger journal, and election cryptography (ElGamal ballots, trustees) with its verifier."""
