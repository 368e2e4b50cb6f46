"""Voting rules, participatory-budget rules, pabulib files, the bulletin board and the ledger journal on plain data, no Django."""
