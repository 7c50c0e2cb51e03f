"""maxent_tutorial: maximum-entropy reinforcement learning, every result checked
against the exact answer.

The layout (the README's map lists every module):

* the problem and its exact answers: :mod:`.grid`, :mod:`.env` (Gymnasium),
  :mod:`.exact`, :mod:`.exact_temperature`; the linear-quadratic problem
  :mod:`.lqr` and its exact soft optimum :mod:`.exact_lqr` (chapter 15);
* parts every method shares: :mod:`.settings` (the settings base), :mod:`.distributions`
  (the action sampler and the entropy), :mod:`.replay`, :mod:`.temperature` (the rule
  that learns alpha), :mod:`.registry` (every method), :mod:`.results`;
* :mod:`.tabular`: methods on the grid; :mod:`.deep`: methods with networks on
  Gymnasium tasks; :mod:`.book`: the book's figures, explorer and ``glue``.

Every method is run as ``train_<method>(problem, config=None, **overrides)`` and
returns a history with ``.settings``. Importing the package registers the Gymnasium
environments ``maxent_tutorial/GridWorld-v0`` (:mod:`maxent_tutorial.env`) and
``maxent_tutorial/LQR-v0`` (:mod:`maxent_tutorial.lqr`); the
Gymnasium methods, the plotting helpers and the explorer are imported from their own
modules.
"""

from .distributions import entropy, inverse_cdf, sample_categorical
from .env import ENV_ID, GridWorldEnv
from .exact import (
    SoftSolution,
    evaluation_matrix,
    relative_gap,
    soft_greedy_probs,
    soft_policy_values,
    soft_q_values,
    soft_value_iteration,
    soft_values,
    start_value_gap,
    state_occupancy,
    transition_matrix,
    value_gap_by_state,
)
from .exact_lqr import (
    SoftLQRSolution,
    gaussian_entropy,
    lqr_optimal_temperature,
    riccati,
    soft_lqr,
    soft_value_iteration_1d,
)
from .exact_temperature import (
    entropy_curve,
    mean_entropy,
    optimal_entropy,
    optimal_temperature,
    visit_weights,
)
from .grid import (
    ACTION_NAMES,
    DEFAULT_REWARDS,
    DEFAULT_START,
    DOWN,
    LEFT,
    RIGHT,
    STAY,
    UP,
    GridWorld,
    Rollout,
)
from .lqr import LQR_ENV_ID, LQREnv, LQRProblem
from .replay import ReplayBuffer, Transitions
from .settings import Settings
from .tabular.baselines import (
    BASELINE_NAMES,
    LeaveOneOutBaseline,
    NoBaseline,
    RunningMeanBaseline,
    ValueCritic,
    make_baseline,
)
from .tabular.gradients import (
    exact_policy_gradient,
    gradient_estimates,
    gradient_mse,
    largest_z_score,
    logit_gradient,
    sampled_policy_gradient,
)
from .tabular.natural import (
    NaturalGradient,
    conjugate_gradient,
    episode_scores,
    fisher_vector_product,
)
from .tabular.objective import (
    batch_loss,
    discount_matrix,
    maxent_pg_loss,
    soft_rewards_to_go,
)
from .tabular.pg import OPTIMIZER_NAMES, PGConfig, PGHistory, train_pg
from .tabular.policies import (
    LinearSoftmaxPolicy,
    SoftmaxPolicy,
    TablePolicy,
    TabularSoftmaxPolicy,
    greedy_probabilities,
    load_policy,
    make_policy,
)
from .tabular.sac import SACConfig, SACHistory, actor_loss, critic_target, train_sac
from .tabular.soft_q import (
    SoftQConfig,
    SoftQHistory,
    soft_bellman_targets,
    soft_q_update,
    train_soft_q,
)
from .temperature import discounted_mean_entropy, dual_step

__all__ = [
    # the problem and its exact answers
    "ACTION_NAMES",
    "DEFAULT_REWARDS",
    "DEFAULT_START",
    "DOWN",
    "LEFT",
    "RIGHT",
    "STAY",
    "UP",
    "GridWorld",
    "Rollout",
    "ENV_ID",
    "GridWorldEnv",
    "SoftSolution",
    "evaluation_matrix",
    "relative_gap",
    "soft_greedy_probs",
    "soft_policy_values",
    "soft_q_values",
    "soft_value_iteration",
    "soft_values",
    "start_value_gap",
    "state_occupancy",
    "transition_matrix",
    "value_gap_by_state",
    "entropy_curve",
    "mean_entropy",
    "optimal_entropy",
    "optimal_temperature",
    "visit_weights",
    "LQR_ENV_ID",
    "LQREnv",
    "LQRProblem",
    "SoftLQRSolution",
    "gaussian_entropy",
    "lqr_optimal_temperature",
    "riccati",
    "soft_lqr",
    "soft_value_iteration_1d",
    # shared parts
    "Settings",
    "entropy",
    "inverse_cdf",
    "sample_categorical",
    "ReplayBuffer",
    "Transitions",
    "discounted_mean_entropy",
    "dual_step",
    # methods on the grid
    "LinearSoftmaxPolicy",
    "SoftmaxPolicy",
    "TablePolicy",
    "TabularSoftmaxPolicy",
    "greedy_probabilities",
    "load_policy",
    "make_policy",
    "batch_loss",
    "discount_matrix",
    "maxent_pg_loss",
    "soft_rewards_to_go",
    "BASELINE_NAMES",
    "LeaveOneOutBaseline",
    "NoBaseline",
    "RunningMeanBaseline",
    "ValueCritic",
    "make_baseline",
    "exact_policy_gradient",
    "gradient_estimates",
    "gradient_mse",
    "largest_z_score",
    "logit_gradient",
    "sampled_policy_gradient",
    "NaturalGradient",
    "conjugate_gradient",
    "episode_scores",
    "fisher_vector_product",
    "OPTIMIZER_NAMES",
    "PGConfig",
    "PGHistory",
    "train_pg",
    "SoftQConfig",
    "SoftQHistory",
    "soft_bellman_targets",
    "soft_q_update",
    "train_soft_q",
    "SACConfig",
    "SACHistory",
    "actor_loss",
    "critic_target",
    "train_sac",
]
