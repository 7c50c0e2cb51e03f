"""Methods with neural networks on Gymnasium tasks (chapter 14 on).

* :mod:`.common`: vector environments, episode ends, MLPs, evaluation, the history.
* :mod:`.pg`: ``train_deep_pg``, the maximum-entropy policy gradient with an MLP.
* :mod:`.sac`: ``train_deep_sac``, discrete soft actor-critic with MLPs.

Nothing is imported here; the package's top level re-exports the public names.
"""
