"""Methods on the grid, where every state can be enumerated (chapters 3-13).

* :mod:`.policies`: softmax policies over the five actions (tabular, linear).
* :mod:`.objective`: soft rewards-to-go and the policy-gradient surrogate.
* :mod:`.baselines`: baselines b_t, learned critics among them.
* :mod:`.gradients`: sampled and exact policy gradients, estimator variance.
* :mod:`.natural`: the natural gradient with a KL trust region.
* :mod:`.pg`: ``train_pg``, the maximum-entropy policy gradient.
* :mod:`.soft_q`: ``train_soft_q``, soft Q-learning from a replay buffer.
* :mod:`.sac`: ``train_sac``, discrete soft actor-critic with tables.

Nothing is imported here, so that importing one module (the Gymnasium policy gradient
imports :mod:`.baselines`) does not import the others; the package's top level
re-exports the public names.
"""
