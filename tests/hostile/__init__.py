"""The hostile-vault corpus: inputs a careless or malicious vault may contain (issue 6)."""
