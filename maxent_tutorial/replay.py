"""The replay buffer every off-policy method here shares (chapters 12-15).

Shaped like Stable-Baselines3's ``ReplayBuffer``: a capacity (``buffer_size``),
``add`` of a batch of transitions and ``sample`` of a uniform minibatch. A transition
is (s, a, r, s', terminated): ``terminated`` is stored because a terminated transition
has no next value (its target is r alone); a truncation is not stored, since a
truncated episode's state still had a future and the target bootstraps from s' as
usual. The buffer is a ring: once ``buffer_size`` transitions are stored, each new one
overwrites the oldest. Observations are any fixed shape: a grid state (a long scalar),
a CartPole observation ([4] float32) or a continuous action ([d] float32).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ._validation import check_positive_int


@dataclass(frozen=True)
class Transitions:
    """A batch of N transitions: observations [N, *obs_shape], actions
    [N, *action_shape], rewards [N] float, next_observations [N, *obs_shape],
    terminated [N] bool."""

    observations: torch.Tensor
    actions: torch.Tensor
    rewards: torch.Tensor
    next_observations: torch.Tensor
    terminated: torch.Tensor


class ReplayBuffer:
    """A ring buffer holding the last ``buffer_size`` transitions.

    Args:
        buffer_size: the number of transitions kept (a positive integer).
        observation_shape, observation_dtype: one observation's shape and dtype
            (default: a grid state, a long scalar).
        action_shape, action_dtype: one action's (default: a discrete action).
        reward_dtype: the rewards' dtype.

    ``add`` and ``sample`` trust their input (the trainers call them in their inner
    loop with batches they built): N observations, N actions, and so on.
    """

    def __init__(
        self,
        buffer_size: int,
        observation_shape: tuple = (),
        observation_dtype: torch.dtype = torch.long,
        action_shape: tuple = (),
        action_dtype: torch.dtype = torch.long,
        reward_dtype: torch.dtype = torch.float64,
    ):
        self.buffer_size = check_positive_int(buffer_size, "buffer_size")
        size = (self.buffer_size,)
        self.observations = torch.zeros(
            size + tuple(observation_shape), dtype=observation_dtype
        )
        self.next_observations = torch.zeros_like(self.observations)
        self.actions = torch.zeros(size + tuple(action_shape), dtype=action_dtype)
        self.rewards = torch.zeros(size, dtype=reward_dtype)
        self.terminated = torch.zeros(size, dtype=torch.bool)
        self.position = 0  # where the next transition goes
        self.size = 0  # how many are stored (at most buffer_size)
        # NumPy views of the five stores (same memory): ``add`` writes through them,
        # as a slice write on a tensor costs several times more than on an array
        self._stores = [
            store.numpy()
            for store in (
                self.observations,
                self.next_observations,
                self.actions,
                self.rewards,
                self.terminated,
            )
        ]

    def __len__(self) -> int:
        return self.size

    def add(
        self, observations, next_observations, actions, rewards, terminated
    ) -> None:
        """Store a batch of N transitions (the argument order of Stable-Baselines3's
        ``add``); the oldest are overwritten when the buffer is full. A batch larger
        than the buffer keeps only its last ``buffer_size`` transitions."""
        n_batch = np.shape(actions)[0]  # not len(): slow on a tensor in a loop
        n_new = min(n_batch, self.buffer_size)
        start = self.position
        n_end = min(n_new, self.buffer_size - start)  # slots left before the ring ends
        skip = n_batch - n_new  # the first rows of a batch larger than the buffer
        split = skip + n_end
        fits = n_end == n_batch  # the whole batch fits before the ring's end
        batch = observations, next_observations, actions, rewards, terminated
        for store, values in zip(self._stores, batch, strict=True):
            # a tensor is read as an array; NumPy arrays and lists pass as they are
            if isinstance(values, torch.Tensor):
                values = values.detach().numpy()
            if fits:  # copied into the store's dtype
                store[start : start + n_end] = values
            else:  # the last n_new rows: n_end up to the ring's end, the rest from 0
                store[start : start + n_end] = values[skip:split]
                store[: n_new - n_end] = values[split:]
        self.position = (start + n_new) % self.buffer_size
        self.size = min(self.size + n_new, self.buffer_size)

    def sample(self, batch_size: int, generator: torch.Generator) -> Transitions:
        """Draw ``batch_size`` stored transitions uniformly, with replacement, with
        ``generator`` (the caller has made sure the buffer holds some)."""
        return self.at(torch.randint(self.size, (batch_size,), generator=generator))

    def at(self, index: torch.Tensor) -> Transitions:
        """The stored transitions at ``index`` ([...] long, each below ``buffer_size``)
        as :class:`Transitions` of shape [..., ...]."""
        index = torch.as_tensor(index)

        def read(store):  # [buffer_size, *shape] -> [*index.shape, *shape]
            # index_select on the flat index: 3-4x faster than store[index]
            rows = store.index_select(0, index.reshape(-1))
            return rows.reshape(index.shape + store.shape[1:])

        return Transitions(
            read(self.observations),
            read(self.actions),
            read(self.rewards),
            read(self.next_observations),
            read(self.terminated),
        )
