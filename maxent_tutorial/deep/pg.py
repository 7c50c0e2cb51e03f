"""The maximum-entropy policy gradient with an MLP policy on a Gymnasium task.

The book's chapter 14: chapter 4's REINFORCE with the soft reward-to-go, now with
episode ends (``soft-return-ends`` of :mod:`maxent_tutorial.deep.common`) and the
leave-one-out baseline of chapter 9. One update takes a rollout of fixed length, as
CleanRL's PPO does: each of ``n_envs`` copies plays ``n_steps`` steps, a copy whose
episode ended starts its next one, and an episode still running at the rollout's end
goes on in the next rollout. No step is thrown away, and every step counted in the
budget trains the policy.

Within one rollout's returns, an episode that the rollout's end cuts is a truncation
with no critic: its unseen tail counts as 0, as for the time limit (chapter 3). So a
step's weight G_t - b_t sums the soft rewards from t to its episode's end or to the
rollout's end, whichever comes first, and the step is weighted by gamma^t with t
counted from its episode's start; the episode's later steps are weighted in the next
rollout, under the updated policy. Dropping the tail after the cut biases the steps
near a rollout's end towards the short term: the price of training on every step (the
earlier collection, which waited for each batch's longest episode, threw away about
half of the early steps instead).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from torch import nn

from ..distributions import entropy
from ..settings import (
    NON_NEGATIVE,
    NON_NEGATIVE_INT,
    POSITIVE_INT,
    UNIT_INTERVAL,
    Settings,
    setting,
    settings_for,
    shared,
)
from ..tabular.baselines import LeaveOneOutBaseline
from .common import (
    DeepHistory,
    EpisodeRunner,
    LearningCurve,
    Steps,
    seeded_mlp,
    soft_returns_with_ends,
)


@dataclass(frozen=True)
class DeepPGConfig(Settings):
    """Settings of the maximum-entropy policy gradient on a Gymnasium task. The budget,
    as in CleanRL's PPO: ``total_timesteps`` environment steps, in updates of
    ``n_envs`` x ``n_steps`` steps each."""

    total_timesteps: int = setting(
        150_000, "environment steps in all, every copy's counted", POSITIVE_INT
    )
    n_envs: int = setting(
        16, "copies of the task stepped together, B (>= 2: leave-one-out)", POSITIVE_INT
    )
    n_steps: int = setting(128, "steps of every copy per update, T", POSITIVE_INT)
    alpha: float = setting(0.01, "entropy temperature", NON_NEGATIVE)
    discount: float = shared("discount", 0.99, UNIT_INTERVAL)  # finite episodes
    lr: float = shared("lr", 0.01)
    width: int = setting(64, "hidden units per layer of the policy's MLP", POSITIVE_INT)
    seed: int = setting(
        0,
        "seeds the weights, the action generator and the environments",
        NON_NEGATIVE_INT,
    )

    @property
    def rollout_steps(self) -> int:
        """Environment steps of one rollout at most: n_envs x n_steps."""
        return self.n_envs * self.n_steps

    def check(self) -> None:
        problems = {
            "n_envs must be >= 2 for the leave-one-out baseline": self.n_envs < 2,
            f"total_timesteps must pay for one rollout, n_envs x n_steps = "
            f"{self.rollout_steps} steps, got {self.total_timesteps}": (
                self.total_timesteps < self.rollout_steps
            ),
        }
        for message, found in problems.items():
            if found:
                raise ValueError(message)


def collect_rollout(
    runner: EpisodeRunner, policy: nn.Module, generator: torch.Generator, n_steps: int
) -> Steps:
    """``n_steps`` vector steps of ``runner`` with ``policy``: [T, B] :class:`Steps`.

    The last step of an episode that is still running at the rollout's end is marked
    ``truncated``: the episode goes on in the next rollout, but this rollout's returns
    stop there, with a tail of 0.
    """
    rollout = Steps.stack([runner.play(policy, generator) for _ in range(n_steps)])
    cut = rollout.valid[-1] & ~rollout.terminated[-1]
    truncated = rollout.truncated.clone()
    truncated[-1] |= cut
    return replace(rollout, truncated=truncated)


def rollout_loss(
    policy: nn.Module, rollout: Steps, alpha: float, discount: float, baseline
) -> tuple[torch.Tensor, torch.Tensor]:
    """The policy-gradient surrogate (``policy-gradient``) of a rollout, with
    ``soft-return-ends`` and a baseline.

    Returns ``(loss, entropies)``: L = -(1/B) sum_b sum_t valid * gamma^t log
    pi(a_t|s_t) (G_t - b_t), differentiable in the policy (t: the step's index in its
    episode), and the [T, B] entropies H(pi(.|s_t)) (detached).
    """
    valid = rollout.valid.float()  # [T, B]: 0 on the autoreset steps
    all_log_probs = torch.log_softmax(policy(rollout.observations), -1)  # [T, B, A]
    log_probs = all_log_probs.gather(-1, rollout.actions[..., None])[..., 0]
    returns = valid * soft_returns_with_ends(  # stops at a termination or a cut
        rollout.rewards,  # 0 on the autoreset steps, and so is their entropy term
        valid * log_probs.detach(),
        rollout.terminated,
        rollout.truncated,
        alpha,
        discount,
    )
    weights = returns - baseline(rollout.actions, returns)  # G_t - b_t
    step_weights = discount**rollout.episode_steps  # gamma^t
    loss = -(step_weights * valid * log_probs * weights).sum() / valid.shape[1]
    probs = all_log_probs.detach().exp()
    return loss, entropy(probs, all_log_probs.detach())


def train_deep_pg(
    env_id: str, config: DeepPGConfig | None = None, **overrides
) -> DeepHistory:
    """Maximum-entropy REINFORCE (``soft-return-ends``, ``policy-gradient``,
    leave-one-out baseline) with an MLP policy on the Gymnasium task ``env_id``.

    Args:
        env_id: a registered Gymnasium id with discrete actions and a flat observation
            (``"CartPole-v1"``).
        config: the settings (:class:`DeepPGConfig`; its defaults when omitted).
        **overrides: settings to change, by field name: ``train_deep_pg("CartPole-v1",
            n_envs=8)``.

    Returns:
        a :class:`~maxent_tutorial.deep.common.DeepHistory`; ``history.policy`` is the
        trained policy network.
    """
    config = settings_for(DeepPGConfig, config, **overrides)
    with EpisodeRunner(env_id, config.n_envs, config.seed) as runner:
        policy = seeded_mlp(
            config.seed, runner.n_inputs, runner.n_actions, config.width
        )
        adam = torch.optim.Adam(policy.parameters(), lr=config.lr)
        generator = torch.Generator().manual_seed(config.seed)
        baseline = LeaveOneOutBaseline()
        curve = LearningCurve()
        # a rollout never overruns the budget (autoreset steps are not counted in it)
        while runner.env_steps + config.rollout_steps <= config.total_timesteps:
            rollout = collect_rollout(runner, policy, generator, config.n_steps)
            loss, entropies = rollout_loss(
                policy, rollout, config.alpha, config.discount, baseline
            )
            adam.zero_grad()
            loss.backward()
            adam.step()
            curve.n_updates += 1
            curve.record(runner, entropies[rollout.valid].mean().item())
    return curve.history(policy, runner, config.alpha, env_id, config)
