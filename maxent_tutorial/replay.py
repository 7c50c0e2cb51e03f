"""A replay buffer of transitions (s, a, r, s'), for off-policy learning (chapter 12).

The buffer is a ring: once ``capacity`` transitions are stored, each new one overwrites
the oldest. ``sample`` draws a batch uniformly, with replacement, from the transitions
stored, with the ``torch.Generator`` it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ._validation import check_positive_int


@dataclass(frozen=True)
class Transitions:
    """A batch of transitions, each tensor [N].

    states: long s; actions: long a; rewards: float64 r = R(s); next_states: long s'.
    """

    states: torch.Tensor
    actions: torch.Tensor
    rewards: torch.Tensor
    next_states: torch.Tensor


class ReplayBuffer:
    """A ring buffer holding the last ``capacity`` transitions.

    Args:
        capacity: the number of transitions kept (a positive integer).
    """

    def __init__(self, capacity: int):
        self.capacity = check_positive_int(capacity, "capacity")
        self.states = torch.zeros(self.capacity, dtype=torch.long)
        self.actions = torch.zeros(self.capacity, dtype=torch.long)
        self.rewards = torch.zeros(self.capacity, dtype=torch.float64)
        self.next_states = torch.zeros(self.capacity, dtype=torch.long)
        self.position = 0  # where the next transition goes
        self.size = 0  # how many are stored (at most capacity)

    def __len__(self) -> int:
        return self.size

    def add(self, states, actions, rewards, next_states) -> None:
        """Store a batch of transitions, [N] each; the oldest are overwritten when full.

        A batch larger than the capacity keeps only its last ``capacity`` transitions.
        """
        batch = [torch.as_tensor(x).reshape(-1) for x in (states, actions)]
        batch += [torch.as_tensor(rewards, dtype=torch.float64).reshape(-1)]
        batch += [torch.as_tensor(next_states).reshape(-1)]
        if len({len(x) for x in batch}) != 1:
            raise ValueError(
                "states, actions, rewards and next_states must have one length, got "
                f"{[len(x) for x in batch]}"
            )
        batch = [x[-self.capacity :] for x in batch]
        slots = (self.position + torch.arange(len(batch[0]))) % self.capacity
        for store, values in zip(
            (self.states, self.actions, self.rewards, self.next_states),
            batch,
            strict=True,
        ):
            store[slots] = values.to(store.dtype)
        self.position = (self.position + len(slots)) % self.capacity
        self.size = min(self.size + len(slots), self.capacity)

    def sample(self, batch_size: int, generator: torch.Generator) -> Transitions:
        """Draw ``batch_size`` stored transitions uniformly, with replacement.

        Raises ``ValueError`` if fewer than ``batch_size`` transitions are stored (the
        buffer, or its capacity, is smaller than a batch).
        """
        batch_size = check_positive_int(batch_size, "batch_size")
        if batch_size > self.capacity:
            raise ValueError(
                f"batch_size {batch_size} is larger than the buffer's capacity "
                f"{self.capacity}"
            )
        if batch_size > self.size:
            raise ValueError(
                f"the buffer holds {self.size} transitions, fewer than batch_size "
                f"{batch_size}: add more before sampling"
            )
        index = torch.randint(self.size, (batch_size,), generator=generator)
        return Transitions(
            *(
                store.index_select(0, index)
                for store in (self.states, self.actions, self.rewards, self.next_states)
            )
        )
