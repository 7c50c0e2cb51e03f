"""maxent_tutorial: maximum-entropy policy gradients on a grid world, checked against exact answers.

The Gymnasium environment (``maxent_tutorial.env.GridWorldEnv``), the plotting helpers
(``maxent_tutorial.plotting``) and the temperature explorer (``maxent_tutorial.explorer``) are
imported from their modules.
"""

from .baselines import (BASELINE_NAMES, NoBaseline, RunningMeanBaseline, TimeStepBaseline, ValueCritic,
                        make_baseline)
from .exact import (SoftSolution, policy_entropy, soft_policy_values, soft_value_iteration,
                    start_value_gap, state_occupancy, transition_matrix)
from .grid import (ACTION_NAMES, DEFAULT_REWARDS, DEFAULT_START, DOWN, LEFT, RIGHT, STAY, UP,
                   GridWorld, Rollout)
from .gradients import exact_policy_gradient, gradient_estimates, gradient_mse, sampled_policy_gradient
from .natural import NaturalGradient, conjugate_gradient, episode_scores, fisher_vector_product
from .objective import discount_matrix, maxent_pg_loss, soft_rewards_to_go
from .policies import (LinearSoftmaxPolicy, SoftmaxPolicy, TablePolicy, TabularSoftmaxPolicy, greedy_probabilities,
                       load_policy, make_policy)
from .training import TrainingHistory, train

__all__ = [
    "ACTION_NAMES", "DEFAULT_REWARDS", "DEFAULT_START", "DOWN", "LEFT", "RIGHT", "STAY", "UP",
    "GridWorld", "Rollout", "LinearSoftmaxPolicy", "SoftmaxPolicy", "TabularSoftmaxPolicy", "TablePolicy",
    "greedy_probabilities",
    "load_policy", "make_policy", "soft_rewards_to_go", "maxent_pg_loss", "discount_matrix",
    "BASELINE_NAMES", "NoBaseline", "RunningMeanBaseline", "TimeStepBaseline", "ValueCritic", "make_baseline",
    "exact_policy_gradient", "gradient_estimates", "gradient_mse", "sampled_policy_gradient",
    "NaturalGradient", "conjugate_gradient", "episode_scores", "fisher_vector_product",
    "SoftSolution", "soft_value_iteration", "soft_policy_values", "state_occupancy",
    "transition_matrix", "policy_entropy", "start_value_gap", "TrainingHistory", "train",
]
