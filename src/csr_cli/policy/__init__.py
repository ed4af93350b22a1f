"""The policy calculators' core: pure functions over the shop policy, no CLI and no I/O.

`model` loads and validates the policy; `refund`, `compensate`, `returns` and `shipping` each
answer one question and return a result dataclass that says how the answer was reached.
"""
