"""The gate path, shared by the people gate and the vehicle gate (issue 13 §4): reading what a
lane reads (:mod:`.reads`), the facts the core judges (:mod:`.facts`), the decision and its
recording (:mod:`.decide`), the outcome's duty writers (:mod:`.duties`), the event's hash chain
(:mod:`.chain`), the device's nonce (:mod:`.nonce`) and every hand-written statement of the path
(:mod:`.sql`, rows built back into models by :mod:`.rows`). It imports no back-office app."""
