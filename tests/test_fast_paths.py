"""The fast paths of the grid's rollout and of the natural gradient's score vectors
against the slow, plain versions they replace: the same numbers, to the bit."""

import pytest
import torch
from helpers import SMALL_REWARDS, SMALL_START
from torch.func import functional_call, jacrev

from maxent_tutorial import (
    GridWorld,
    LinearSoftmaxPolicy,
    TablePolicy,
    TabularSoftmaxPolicy,
    episode_scores,
)
from maxent_tutorial import grid as grid_module
from maxent_tutorial.tabular.natural import (
    log_probability_jacobian,
    log_softmax_jacobian,
)

GRIDS = {
    "default": lambda: GridWorld(),
    "small": lambda: GridWorld(SMALL_REWARDS, SMALL_START),
    "one cell": lambda: GridWorld([[0.0]], (0, 0)),
}


def random_policy(grid, kind: str, seed: int, scale: float, dtype=torch.float32):
    """A tabular or linear softmax policy with seeded random parameters of ``scale``
    (0: uniform; 100: most probabilities round to 0 or 1)."""
    policy = {"tabular": TabularSoftmaxPolicy, "linear": LinearSoftmaxPolicy}[kind]
    policy = policy(grid).to(dtype)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in policy.parameters():
            noise = torch.randn(parameter.shape, generator=generator, dtype=dtype)
            parameter.copy_(scale * noise)
    return policy


def jacobian_by_jacrev(policy) -> torch.Tensor:
    """[n_states * 5, P] d log pi(a|s) / d theta by torch.func.jacrev."""
    parameters = {name: p.detach() for name, p in policy.named_parameters()}
    states = torch.arange(policy.n_states)
    jacobian = jacrev(
        lambda params: functional_call(policy, params, (states,)).reshape(-1)
    )(parameters)
    rows = policy.n_states * policy.n_actions
    return torch.cat([jacobian[name].reshape(rows, -1) for name in parameters], 1)


@pytest.mark.parametrize("grid_name", list(GRIDS))
@pytest.mark.parametrize("kind", ["tabular", "linear"])
@pytest.mark.parametrize("scale", [0.0, 1.0, 30.0])
def test_rollout_by_lookup_draws_what_the_step_by_step_rollout_draws(
    monkeypatch, grid_name, kind, scale
):
    grid = GRIDS[grid_name]()
    for seed, (horizon, n_episodes) in enumerate([(300, 10), (7, 1), (40, 100)]):
        policy = random_policy(grid, kind, seed, scale)
        fast = grid.rollout(
            policy, horizon, n_episodes, torch.Generator().manual_seed(seed)
        )
        with monkeypatch.context() as patch:
            patch.setattr(grid_module, "LOOKUP_LIMIT", 0)  # every step drawn alone
            plain = grid.rollout(
                policy, horizon, n_episodes, torch.Generator().manual_seed(seed)
            )
        for name in ("states", "actions", "rewards"):
            a, b = getattr(fast, name), getattr(plain, name)
            assert a.dtype == b.dtype and torch.equal(a, b), name


def test_rollout_by_lookup_handles_deterministic_and_table_policies(monkeypatch):
    grid = GridWorld()
    one_hot = torch.zeros(grid.n_states, grid.n_actions, dtype=torch.float64)
    one_hot[torch.arange(grid.n_states), torch.arange(grid.n_states) % 5] = 1.0
    mixed = one_hot.clone()
    mixed[::2] = torch.tensor([0.0, 0.5, 0.0, 0.5, 0.0], dtype=torch.float64)
    for probs in (one_hot, mixed):
        policy = TablePolicy(grid, probs)
        fast = grid.rollout(policy, 50, 20, torch.Generator().manual_seed(3))
        monkeypatch.setattr(grid_module, "LOOKUP_LIMIT", 0)
        plain = grid.rollout(policy, 50, 20, torch.Generator().manual_seed(3))
        monkeypatch.undo()
        assert torch.equal(fast.states, plain.states)
        assert torch.equal(fast.actions, plain.actions)
        assert probs[fast.states, fast.actions].min() > 0  # never an impossible action


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_log_softmax_jacobian_is_one_hot_minus_the_probabilities(dtype):
    generator = torch.Generator().manual_seed(0)
    for scale in (0.1, 1.0, 10.0):
        logits = scale * torch.randn(7, 5, generator=generator, dtype=dtype)
        expected = torch.eye(5, dtype=dtype) - torch.softmax(logits, dim=1)[:, None, :]
        jacobian = log_softmax_jacobian(logits)  # [s, a, b]
        assert jacobian.shape == (7, 5, 5) and jacobian.dtype == dtype
        tolerance = 1e-12 if dtype == torch.float64 else 1e-6
        assert torch.allclose(jacobian, expected, atol=tolerance, rtol=0)


@pytest.mark.parametrize("grid_name", list(GRIDS))
@pytest.mark.parametrize("kind", ["tabular", "linear"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_closed_form_jacobian_equals_jacrev(grid_name, kind, dtype):
    grid = GRIDS[grid_name]()
    for seed, scale in enumerate((0.0, 0.1, 1.0, 10.0, 100.0)):
        policy = random_policy(grid, kind, seed, scale, dtype)
        closed_form = log_probability_jacobian(policy)
        by_jacrev = jacobian_by_jacrev(policy)
        assert closed_form.dtype == by_jacrev.dtype == dtype
        assert torch.allclose(closed_form, by_jacrev, atol=1e-12, rtol=0)
        # the same numbers to the bit: training replays exactly
        assert torch.equal(closed_form, by_jacrev)


class RawCoordinatePolicy(LinearSoftmaxPolicy):
    """Other features (as in the appendix): the linear closed form still holds."""

    def features(self, states):
        return self.cell_features[states] * torch.tensor([5.0, 3.0])


class SquaredLogitPolicy(TabularSoftmaxPolicy):
    """Other logits: the closed form does not apply; jacrev does."""

    def logits(self, states):
        return self.table[states] ** 2


@pytest.mark.parametrize("policy_class", [RawCoordinatePolicy, SquaredLogitPolicy])
def test_jacobian_of_subclasses_equals_jacrev(policy_class):
    grid = GridWorld()
    policy = policy_class(grid)
    with torch.no_grad():
        for parameter in policy.parameters():
            parameter.normal_(generator=torch.Generator().manual_seed(1))
    assert torch.equal(log_probability_jacobian(policy), jacobian_by_jacrev(policy))


@pytest.mark.parametrize("kind", ["tabular", "linear"])
def test_episode_scores_match_the_counts_times_jacrev(kind):
    grid = GridWorld()
    policy = random_policy(grid, kind, seed=5, scale=2.0)
    episodes = grid.rollout(policy, 60, 6, torch.Generator().manual_seed(0))
    n_pairs = grid.n_states * grid.n_actions
    pairs = episodes.states * grid.n_actions + episodes.actions  # [T, B]
    counts = torch.stack(
        [torch.bincount(pairs[:, i], minlength=n_pairs) for i in range(6)]
    )
    expected = counts.double() @ jacobian_by_jacrev(policy).double()
    assert torch.equal(
        episode_scores(policy, episodes.states, episodes.actions), expected
    )
