"""Discrete soft actor-critic on the grid (the book's chapter 13).

Soft actor-critic (Haarnoja et al. 2018) for a finite action set, after Christodoulou
(2019): because the five actions can be enumerated, every expectation over the action
is a sum, and no sampled action enters a loss. The book's labels:

* ``sac-critic-target``: y(s, a) = R(s) + gamma * sum_a' pi(a'|s') (min_i Qbar_i(s',
  a') - alpha log pi(a'|s')), with s' = next(s, a) and Qbar_i the target critics
  (``twin_critics=False``: Qbar_1 alone, and the actor reads Q_1 alone).
* ``sac-actor-loss``: L_pi = E_s[ sum_a pi(a|s) (alpha log pi(a|s) - min_i Q_i(s, a)) ],
  minimised by pi(.|s) = softmax(min_i Q_i(s, .) / alpha) in every state.
* ``dual-step``: chapter 11's step on log alpha, with the mean entropy of pi over the
  walkers' states, also an exact sum (``entropy_states="replay"``: over the actor's
  replay minibatch, as published SAC does).
* ``polyak``: Qbar_i <- (1 - tau) Qbar_i + tau Q_i after every update.

On the grid the actor and both critics are tables ([n_states, 5]); walkers run in
parallel and restart at the start cell with probability 1 - gamma after each step, so
the states they visit are drawn from the normalised discounted occupancy
(``occupancy``), the weighting of chapter 11's ``mean-entropy``. The critics' update is
chapter 12's: the shared Bellman target and table step of
:mod:`maxent_tutorial.tabular.soft_q`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ..distributions import entropy, inverse_cdf
from ..replay import ReplayBuffer
from ..settings import (
    FINITE,
    NON_NEGATIVE_INT,
    POSITIVE,
    POSITIVE_INT,
    STEP_FRACTION,
    Settings,
    setting,
    settings_for,
    shared,
)
from ..temperature import check_target_entropy, dual_step
from .soft_q import bellman_targets, move_towards_targets

# the states whose mean entropy drives the dual step: the walkers' (draws from the
# discounted occupancy, whose dual step's fixed point is alpha*) or the actor's replay
# minibatch (published SAC's)
ENTROPY_STATES = ("walkers", "replay")


def expected_soft_q(
    log_probs: torch.Tensor, q_values: torch.Tensor, alpha: float
) -> torch.Tensor:
    """[..., n_actions] log pi(.|s), Q(s, .) -> [...] sum_a pi(a|s) (Q(s, a) - alpha
    log pi(a|s)), the soft value of s under pi, summed exactly (0 log 0 = 0)."""
    probs = log_probs.exp()
    p_log_p = torch.where(probs > 0, probs * log_probs, torch.zeros_like(probs))
    return (probs * q_values).sum(-1) - alpha * p_log_p.sum(-1)


def critic_target(
    rewards: torch.Tensor,
    next_log_probs: torch.Tensor,
    next_q_values: torch.Tensor,
    alpha: float,
    discount: float,
    terminated: torch.Tensor | None = None,
) -> torch.Tensor:
    """Soft Bellman target of SAC's critics (``sac-critic-target``), exact over actions.

    Args:
        rewards: [B] r = R(s).
        next_log_probs: [B, n_actions] log pi(.|s') of the actor at the next state.
        next_q_values: [B, n_actions] min_i Qbar_i(s', .) of the target critics.
        alpha: entropy temperature.
        discount: gamma.
        terminated: optional [B] bool; a terminated transition has no next state, so
            its target is r alone (a truncation still bootstraps: pass False there).

    Returns:
        [B] y = r + gamma * (1 - terminated) * V(s'), with the actor's soft value
        V(s') = sum_a' pi(a'|s') (Qbar(s', a') - alpha log pi(a'|s')).
    """
    next_values = expected_soft_q(next_log_probs, next_q_values, alpha)  # V(s')
    return bellman_targets(rewards, next_values, discount, terminated)


def actor_loss(
    log_probs: torch.Tensor, q_values: torch.Tensor, alpha: float
) -> torch.Tensor:
    """SAC's actor loss (``sac-actor-loss``), the expectation over actions as a sum.

    Args:
        log_probs: [B, n_actions] log pi(.|s), differentiable in the actor.
        q_values: [B, n_actions] min_i Q_i(s, .) (treated as a constant).
        alpha: entropy temperature.

    Returns:
        scalar mean_s sum_a pi(a|s) (alpha log pi(a|s) - Q(s, a)).
    """
    return -expected_soft_q(log_probs, q_values.detach(), alpha).mean()


@dataclass(frozen=True)
class SACConfig(Settings):
    """Settings of one tabular SAC run on the grid. The budget: ``total_timesteps``
    environment steps, in steps of the ``n_envs`` walkers, each followed by one update
    (rounded up to a whole step of the walkers)."""

    total_timesteps: int = setting(
        1_500_000, "environment steps in all: updates x n_envs", POSITIVE_INT
    )
    n_envs: int = shared("n_envs", 250)
    batch_size: int = setting(
        512, "transitions per update, for each critic and for the actor", POSITIVE_INT
    )
    warmup_steps: int = setting(
        250_000,
        "first environment steps: act uniformly at random and hold alpha (the critics "
        "and the actor learn from the start: not SB3's learning_starts)",
        NON_NEGATIVE_INT,
    )
    buffer_size: int = shared("buffer_size", 1_500_000)
    discount: float = shared("discount", 0.99)
    target_entropy: float = setting(
        1.3, "H_bar, the mean entropy alpha is learned for, nats below log 5", FINITE
    )
    alpha: float = setting(1.0, "entropy temperature at the start", POSITIVE)
    alpha_lr: float = shared("alpha_lr", 0.01)
    critic_lr: float = setting(1.0, "critics' step towards the target", STEP_FRACTION)
    actor_lr: float = shared("actor_lr", 0.05)
    tau: float = shared("tau", 0.2)
    entropy_states: str = setting(
        "walkers",
        "states the dual step averages the entropy over: the walkers', or the actor's "
        "replay minibatch (published SAC's)",
        ENTROPY_STATES,
    )
    twin_critics: bool = setting(
        True, "the critics' target and the actor read min(Q_1, Q_2), or Q_1 alone"
    )
    hold_alpha: bool = setting(
        True,
        "hold alpha through the warm-up, or take the dual step from the first update "
        "(published SAC's)",
    )
    record_every: int = shared("record_every", 25_000)
    seed: int = shared("seed", 0)

    def check(self) -> None:
        self.check_order("batch_size", "buffer_size")
        self.check_order(
            "warmup_steps",
            "total_timesteps",
            strict=True,
            why=": the temperature never learns otherwise",
        )
        check_target_entropy(self.target_entropy, math.log(5), 0.0)


@dataclass
class SACHistory:
    """A finished run: the learned tables and what was recorded along the way.

    probs: [n_states, 5] float64 pi(a|s) of the actor.
    q_values: [2, n_states, 5] float64 Q_1, Q_2 (with ``twin_critics=False`` Q_2 still
        learns, but nothing reads it).
    alpha: the final temperature.
    env_steps: [n_records] environment steps at each record.
    alphas, entropies: [n_records] temperature and the mean entropy of the dual step
        (over the ``entropy_states``) at each record.
    tables: [n_records, n_states, 5] the actor's table at each record.
    settings: the :class:`SACConfig` of the run.
    """

    probs: torch.Tensor
    q_values: torch.Tensor
    alpha: float
    env_steps: np.ndarray
    alphas: np.ndarray
    entropies: np.ndarray
    tables: torch.Tensor
    settings: SACConfig


def collect(next_states, cumulative, walkers, start_state, discount, generator):
    """Every walker acts once: a ~ pi(.|s), s' = next(s, a).

    Args:
        next_states: [n_states, 5] the grid's table next(s, a).
        cumulative: [n_states, 4] c_j(s) = sum_{i<=j} pi(i|s) for j < 4 of the policy
            the walkers act by (:func:`~maxent_tutorial.distributions.inverse_cdf`).
        walkers: [W] each walker's state s.
        start_state: where a walker restarts, with probability 1 - ``discount``.

    Returns:
        [W] actions a, [W] next states s', and [W] the walkers' new states (s', or
        the start after a restart), all int64. The actions are the ones
        ``sample_categorical`` draws from the same generator (its inverse CDF, on
        NumPy arrays as in the grid's rollout).
    """
    uniforms = torch.rand(2, len(walkers), generator=generator).numpy()  # [2, W]
    at_walkers = cumulative.take(walkers, axis=0)  # cumulative[walkers], [W, 4]
    actions = inverse_cdf(at_walkers, uniforms[0])  # a ~ pi(.|s)
    next_walkers = next_states[walkers, actions]
    restart = uniforms[1] > discount
    return actions, next_walkers, np.where(restart, start_state, next_walkers)


def sample_minibatches(buffer, batch_size, generator):
    """Draw B buffer positions for each critic and B for the actor, uniformly, and
    read their stored pairs (s, a).

    On the grid a pair fixes the rest of its transition (r = R(s), s' = next(s, a),
    never terminated), so only the pairs are read: random reads from a buffer of a
    million transitions are a large part of an update's cost.

    Returns:
        [2, B] states and [2, B] actions, row i for critic i, and [B] states for the
        actor, in the buffer's integer dtype.
    """
    index = torch.randint(len(buffer), (3 * batch_size,), generator=generator).numpy()
    states = buffer.observations.numpy().take(index)  # [3B]
    actions = buffer.actions.numpy().take(index[: 2 * batch_size])  # [2B]
    critic_states = states[: 2 * batch_size].reshape(2, batch_size)
    return critic_states, actions.reshape(2, batch_size), states[2 * batch_size :]


def read_critics(critics, twin_critics=True):
    """[2, n_states, 5] Q_1, Q_2 -> [n_states, 5] what the critics' target and the
    actor read: min_i Q_i (twin critics), or Q_1 alone."""
    return np.minimum(*critics) if twin_critics else critics[0]


def critic_target_table(
    next_states, rewards, probs, state_entropy, target_q_values, alpha, discount
):
    """``sac-critic-target`` of every pair (s, a) at once: on the grid a pair's target
    depends on the pair alone, so the batch's targets are read from this table.

    Args:
        next_states: [n_states, 5] the grid's table next(s, a).
        rewards: [n_states] R(s).
        probs: [n_states, 5] pi(a|s) of the actor.
        state_entropy: [n_states] H(pi(.|s)).
        target_q_values: [n_states, 5] what the target reads of the target critics,
            min_i Qbar_i (:func:`read_critics`).

    Returns:
        [n_states, 5] y(s, a) = R(s) + gamma V(next(s, a)), with the actor's soft value
        V(s') = sum_a' pi(a'|s') min_i Qbar_i(s', a') + alpha H(pi(.|s')).
    """
    next_values = (probs * target_q_values).sum(1) + alpha * state_entropy
    return bellman_targets(rewards[:, None], next_values[next_states], discount)


def update_critics(critics, targets, observations, actions, lr):
    """Each critic's step towards its targets on its own minibatch.

    Args:
        critics: [2, n_states, 5] Q_1, Q_2.
        targets: [n_states, 5] y(s, a) of every pair (``sac-critic-target``).
        observations, actions: [2, B] the minibatches' pairs (s, a), row i for
            critic i (on one shared minibatch two tables that start equal would stay
            equal, and their minimum would do nothing).
        lr: the fraction of the way each pair moves to its mean target.

    Returns:
        the new [2, n_states, 5] critics.
    """
    n_states, n_actions = targets.shape
    # both critics as one table of 2 x n_states rows, critic i's states shifted by
    # i * n_states: one step moves each towards its own minibatch's targets
    rows = observations + [[0], [n_states]]
    moved = move_towards_targets(
        critics.reshape(-1, n_actions),
        rows.ravel(),
        actions.ravel(),
        targets[observations, actions].ravel(),
        lr,
    )
    return moved.reshape(critics.shape)


def actor_gradient(probs, log_probs, q_values, observations, alpha):
    """The gradient of ``sac-actor-loss`` on a batch with respect to the actor's logits.

    Args:
        probs, log_probs: [n_states, 5] pi(.|s) = softmax of the logits z, and its log.
        q_values: [n_states, 5] min_i Q_i.
        observations: [B] the batch's states.

    Returns:
        [n_states, 5] dL/dz(s, a) = n_s / B * pi(a|s) (g(s, a) - sum_b pi(b|s)
        g(s, b)), with g = alpha log pi - Q and n_s the copies of s in the batch: what
        autograd gives for ``actor_loss``, without building its graph.
    """
    g = alpha * log_probs - q_values
    weights = np.bincount(observations, minlength=len(probs)) / len(observations)
    return weights[:, None] * probs * (g - (probs * g).sum(1, keepdims=True))


def log_softmax(logits):
    """[n_states, 5] logits z -> log pi(.|s) = z(s, .) - log sum_b exp z(s, b), with the
    row's largest logit subtracted first (as ``torch.log_softmax``)."""
    shifted = logits - logits.max(1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(1, keepdims=True))


def adam_step(table, gradient, moments, step, lr, betas=(0.9, 0.999), eps=1e-8):
    """One Adam step on ``table``, in place: the arithmetic of ``torch.optim.Adam`` (no
    weight decay) in NumPy, equal to it up to round-off, without the optimiser's
    per-call overhead (more than these operations cost on a [36, 5] table).

    Args:
        table, gradient: arrays of one shape.
        moments: the running (first, second) moments m, v, arrays of the table's
            shape, updated in place.
        step: this step's number t, from 1.
        lr: the learning rate.
    """
    first, second = moments
    first += (1 - betas[0]) * (gradient - first)  # m = beta1 m + (1 - beta1) g
    second *= betas[1]
    second += (1 - betas[1]) * gradient * gradient  # v = beta2 v + (1 - beta2) g^2
    # z -= lr m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - beta1^t), v_hat likewise
    denominator = np.sqrt(second) / math.sqrt(1 - betas[1] ** step) + eps
    table -= lr / (1 - betas[0] ** step) * first / denominator


def polyak(target_critics, critics, tau):
    """``polyak``: the new target critics (1 - tau) Qbar_i + tau Q_i."""
    return target_critics * (1 - tau) + tau * critics


def train_sac(grid, config: SACConfig | None = None, **overrides) -> SACHistory:
    """Train a tabular discrete SAC on ``grid``; returns a :class:`SACHistory`.

    Each step reads as SAC's pseudocode: collect (every walker acts, uniformly at random
    during the first ``warmup_steps`` environment steps, then by the actor), store
    (the transitions enter the replay buffer), update the critics (a step towards
    ``sac-critic-target``, each on its own minibatch), update the actor (an Adam step
    on ``sac-actor-loss``), update the temperature (``dual-step`` with the mean entropy
    over the walkers' states, or the actor's minibatch with ``entropy_states="replay"``;
    held during the warm-up unless ``hold_alpha=False``) and update the target critics
    (``polyak``). The target and the actor read min(Q_1, Q_2), or Q_1 alone with
    ``twin_critics=False``. The warm-up holds only alpha and the behaviour: the critics
    and the actor learn from its first step. One record every ``record_every``
    environment steps, and one at the end.

    The tables (the actor's logits, Adam's moments, the critics) and the walkers are
    NumPy arrays inside the loop, where operations on a few numbers cost less than in
    torch (as in the grid's rollout); every random number comes from one seeded
    ``torch.Generator``.
    """
    config = settings_for(SACConfig, config, **overrides)
    generator = torch.Generator().manual_seed(config.seed)
    next_states, rewards = grid.next_states.numpy(), grid.state_rewards.numpy()
    shape = (grid.n_states, grid.n_actions)
    actor = np.zeros(shape)  # logits z: pi = softmax(z)
    moments = (np.zeros(shape), np.zeros(shape))  # Adam's m and v
    critics = np.zeros((2, *shape))  # Q_1, Q_2
    target_critics = critics.copy()  # Qbar_1, Qbar_2
    log_alpha = math.log(config.alpha)
    # states and actions in one byte each where they fit: the minibatches' random reads
    # from the buffer, a large part of an update's cost, then stay in the cache
    pair_dtype = torch.uint8 if grid.n_states <= 256 else torch.long
    buffer = ReplayBuffer(
        config.buffer_size, observation_dtype=pair_dtype, action_dtype=pair_dtype
    )
    uniform_cdf = np.full(shape, 1 / grid.n_actions).cumsum(1)[:, :-1]  # c_j(s)
    walkers = np.full(config.n_envs, grid.start_state)
    never = np.zeros(config.n_envs, dtype=bool)  # the grid never terminates
    records = {"env_steps": [], "alphas": [], "entropies": [], "tables": []}
    n_updates = -(-config.total_timesteps // config.n_envs)  # ceil
    gamma, twin = config.discount, config.twin_critics
    on_walkers = config.entropy_states == "walkers"

    for update in range(1, n_updates + 1):
        warming_up = (update - 1) * config.n_envs < config.warmup_steps
        log_probs = log_softmax(actor)  # log pi, [n_states, 5]
        probs = np.exp(log_probs)
        state_entropy = entropy(probs, log_probs)  # H(pi(.|s)), [n_states]
        alpha = math.exp(log_alpha)
        # collect: every walker acts (uniformly in the warm-up), moves, may restart
        cumulative = uniform_cdf if warming_up else probs.cumsum(1)[:, :-1]
        actions, next_walkers, new_walkers = collect(
            next_states, cumulative, walkers, grid.start_state, gamma, generator
        )
        # store (s, a, r = R(s), s'), never terminated
        transitions = walkers, next_walkers, actions, rewards[walkers], never
        buffer.add(*transitions)
        walkers = new_walkers
        # sample: B stored pairs for each critic, B states for the actor
        critic_states, critic_actions, actor_states = sample_minibatches(
            buffer, config.batch_size, generator
        )
        # update the critics, each on its own minibatch
        target_q_values = read_critics(target_critics, twin)  # min_i Qbar_i
        targets = critic_target_table(
            next_states, rewards, probs, state_entropy, target_q_values, alpha, gamma
        )
        critics = update_critics(
            critics, targets, critic_states, critic_actions, config.critic_lr
        )
        # update the actor: an Adam step on its loss over its minibatch's states
        q_values = read_critics(critics, twin)  # min_i Q_i
        gradient = actor_gradient(probs, log_probs, q_values, actor_states, alpha)
        adam_step(actor, gradient, moments, update, config.actor_lr)
        # update the temperature with the mean entropy over the walkers' states,
        # draws from the discounted occupancy, or over the actor's minibatch (held
        # during the warm-up unless hold_alpha=False)
        mean_entropy = state_entropy[walkers if on_walkers else actor_states].mean()
        if not (warming_up and config.hold_alpha):
            log_alpha = dual_step(
                log_alpha, mean_entropy, config.target_entropy, config.alpha_lr
            )
        # update the target critics
        target_critics = polyak(target_critics, critics, config.tau)

        env_steps = update * config.n_envs
        if env_steps % config.record_every < config.n_envs or update == n_updates:
            records["env_steps"].append(env_steps)
            records["alphas"].append(math.exp(log_alpha))
            records["entropies"].append(float(mean_entropy))
            records["tables"].append(torch.softmax(torch.from_numpy(actor), dim=1))

    return SACHistory(
        probs=torch.softmax(torch.from_numpy(actor), dim=1),
        q_values=torch.from_numpy(critics),
        alpha=math.exp(log_alpha),
        env_steps=np.array(records["env_steps"]),
        alphas=np.array(records["alphas"]),
        entropies=np.array(records["entropies"]),
        tables=torch.stack(records["tables"]),
        settings=config,
    )
