"""The book's helpers: figures and their shared style, the temperature explorer, and
``glue`` for the prose. Nothing here trains or solves anything.

* :mod:`.style`: colours and scales (no ``pyplot``, so the Gymnasium environment can
  use them).
* :mod:`.plotting`: reward maps, policy arrows, values, trajectories, curves.
* :mod:`.explorer`: the temperature explorer (chapter 8).
* :mod:`.notebook`: ``glue``, which hands a computed number to the prose.

Nothing is imported here, so importing :mod:`.style` starts no plotting backend.
"""
