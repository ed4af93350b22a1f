"""csr: canned replies, reply search and policy calculators for online-shop service agents."""

__version__ = "0.1.0"
