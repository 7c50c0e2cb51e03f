"""maxent_tutorial: maximum-entropy reinforcement learning on a grid world, every
result checked against the exact answer.

Imported from their own modules: the Gymnasium training of chapter 14
(``maxent_tutorial.deep``, ``maxent_tutorial.deep_pg``, ``maxent_tutorial.deep_sac``),
the plotting helpers (``maxent_tutorial.plotting``), the temperature explorer
(``maxent_tutorial.explorer``), ``glue`` for the book's notebooks
(``maxent_tutorial.notebook``) and the stored benchmark results
(``maxent_tutorial.results``). Importing the package registers the Gymnasium
environment ``maxent_tutorial/GridWorld-v0`` (:mod:`maxent_tutorial.env`).
"""

from .baselines import (
    LeaveOneOutBaseline,
    NoBaseline,
    RunningMeanBaseline,
    ValueCritic,
    make_baseline,
)
from .config import BASELINE_NAMES, OPTIMIZER_NAMES, TrainingConfig
from .env import ENV_ID, GridWorldEnv
from .exact import (
    SoftSolution,
    evaluation_matrix,
    policy_entropy,
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
from .gradients import (
    exact_policy_gradient,
    gradient_estimates,
    gradient_mse,
    sampled_policy_gradient,
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
from .natural import (
    NaturalGradient,
    conjugate_gradient,
    episode_scores,
    fisher_vector_product,
)
from .objective import batch_loss, discount_matrix, maxent_pg_loss, soft_rewards_to_go
from .policies import (
    LinearSoftmaxPolicy,
    SoftmaxPolicy,
    TablePolicy,
    TabularSoftmaxPolicy,
    greedy_probabilities,
    load_policy,
    make_policy,
)
from .replay import ReplayBuffer, Transitions
from .sac import SACConfig, SACResult, actor_loss, critic_target, train_sac
from .soft_q import (
    SoftQConfig,
    SoftQResult,
    soft_bellman_targets,
    soft_q_learning,
    soft_q_update,
)
from .temperature import (
    discounted_mean_entropy,
    dual_step,
    entropy_curve,
    mean_entropy,
    optimal_entropy,
    optimal_temperature,
    visit_weights,
)
from .training import TrainingHistory, train

__all__ = [
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
    "LeaveOneOutBaseline",
    "NoBaseline",
    "RunningMeanBaseline",
    "ValueCritic",
    "make_baseline",
    "BASELINE_NAMES",
    "OPTIMIZER_NAMES",
    "TrainingConfig",
    "TrainingHistory",
    "train",
    "ReplayBuffer",
    "Transitions",
    "SoftQConfig",
    "SoftQResult",
    "soft_bellman_targets",
    "soft_q_learning",
    "SACConfig",
    "SACResult",
    "actor_loss",
    "critic_target",
    "train_sac",
    "soft_q_update",
    "discounted_mean_entropy",
    "dual_step",
    "entropy_curve",
    "mean_entropy",
    "optimal_entropy",
    "optimal_temperature",
    "visit_weights",
    "exact_policy_gradient",
    "gradient_estimates",
    "gradient_mse",
    "sampled_policy_gradient",
    "NaturalGradient",
    "conjugate_gradient",
    "episode_scores",
    "fisher_vector_product",
    "SoftSolution",
    "evaluation_matrix",
    "policy_entropy",
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
    "ENV_ID",
    "GridWorldEnv",
]
