"""The policy calculators' core: pure functions over the shop policy, no CLI and no I/O.

`model` loads and validates the policy; `refund`, `compensate`, `returns`, `shipping` and
`exchange` each answer one question and return a result whose `working` (`result.Working`) says
how the answer was reached.
"""
