import pytest
import torch

from maxent_tutorial import maxent_pg_loss, soft_rewards_to_go
from maxent_tutorial.tabular.objective import discount_matrix


def test_soft_rewards_to_go_on_a_hand_computed_example():
    # One episode, three steps, alpha = 0.5, gamma = 0.9.
    rewards = torch.tensor([[1.0], [2.0], [3.0]], dtype=torch.float64)
    log_probs = torch.tensor([[-1.0], [-2.0], [-0.5]], dtype=torch.float64)
    # soft rewards r - alpha log pi: 1.5, 3.0, 3.25
    # G_2 = 3.25; G_1 = 3.0 + 0.9 * 3.25 = 5.925; G_0 = 1.5 + 0.9 * 5.925 = 6.8325
    expected = torch.tensor([[6.8325], [5.925], [3.25]], dtype=torch.float64)
    assert torch.allclose(
        soft_rewards_to_go(rewards, log_probs, 0.5, 0.9), expected, atol=1e-12
    )


def test_soft_rewards_to_go_satisfies_the_backward_recursion():
    generator = torch.Generator().manual_seed(0)
    rewards = torch.randn(50, 4, generator=generator, dtype=torch.float64)
    log_probs = -torch.rand(50, 4, generator=generator, dtype=torch.float64)
    returns = soft_rewards_to_go(rewards, log_probs, 0.7, 0.95)
    # G_t = r_t - alpha * log pi_t + gamma * G_{t+1}, and G_{T-1} = r_{T-1} - alpha *
    # log pi_{T-1}
    soft = rewards - 0.7 * log_probs
    assert torch.allclose(returns[:-1], soft[:-1] + 0.95 * returns[1:], atol=1e-12)
    assert torch.allclose(returns[-1], soft[-1])


def test_discount_zero_and_one_are_the_edge_cases():
    rewards = torch.tensor([[1.0], [2.0], [4.0]])
    zeros = torch.zeros_like(rewards)
    assert torch.equal(soft_rewards_to_go(rewards, zeros, 1.0, 0.0), rewards)
    assert soft_rewards_to_go(rewards, zeros, 1.0, 1.0)[:, 0].tolist() == [
        7.0,
        6.0,
        4.0,
    ]


def test_discount_matrix_entries():
    matrix = discount_matrix(3, 0.5)
    assert matrix.tolist() == [[1.0, 0.5, 0.25], [0.0, 1.0, 0.5], [0.0, 0.0, 1.0]]


def test_loss_gradient_is_the_discounted_score_times_the_weight():
    log_probs = torch.tensor([[-1.0, -2.0], [-0.5, -0.3]], requires_grad=True)
    returns = torch.tensor([[10.0, 4.0], [3.0, -2.0]])
    baseline = torch.tensor([[1.0, 1.0], [0.5, 0.5]])
    loss = maxent_pg_loss(log_probs, returns, 0.9, baseline)
    loss.backward()
    # dL/dlog pi_t = -gamma^t (G_t - b_t) / B
    expected = -torch.tensor([[1.0], [0.9]]) * (returns - baseline) / 2
    assert torch.allclose(log_probs.grad, expected)


def test_loss_treats_returns_as_constants():
    log_probs = torch.tensor([[-1.0]], requires_grad=True)
    # depends on log_probs
    returns = soft_rewards_to_go(torch.tensor([[1.0]]), log_probs, 1.0, 0.9)
    maxent_pg_loss(log_probs, returns, 0.9).backward()
    # -(r - alpha log pi), no extra path
    assert log_probs.grad.item() == pytest.approx(-2.0)


def test_a_negative_alpha_flips_the_entropy_term_as_the_post_did():
    rewards = torch.tensor([[1.0], [2.0]], dtype=torch.float64)
    log_probs = torch.tensor([[-1.0], [-2.0]], dtype=torch.float64)
    # r + 0.5 log pi: 0.5, 1.0; G_1 = 1.0, G_0 = 0.5 + 0.9 * 1.0
    expected = torch.tensor([[1.4], [1.0]], dtype=torch.float64)
    assert torch.allclose(soft_rewards_to_go(rewards, log_probs, -0.5, 0.9), expected)


@pytest.mark.parametrize(
    "alpha, discount, match",
    [
        (float("inf"), 0.9, "alpha"),
        (float("nan"), 0.9, "alpha"),
        (1.0, 1.5, "discount"),
        (1.0, -0.1, "discount"),
    ],
)
def test_soft_rewards_to_go_rejects_bad_hyperparameters(alpha, discount, match):
    with pytest.raises(ValueError, match=match):
        soft_rewards_to_go(torch.zeros(2, 2), torch.zeros(2, 2), alpha, discount)


def test_mismatched_shapes_are_rejected():
    with pytest.raises(ValueError, match="rewards \\[3, 2\\], log_probs \\[2, 2\\]"):
        soft_rewards_to_go(torch.zeros(3, 2), torch.zeros(2, 2), 1.0, 0.9)
    with pytest.raises(
        ValueError, match="log_probs \\[3, 2\\], returns_to_go \\[3, 1\\]"
    ):
        maxent_pg_loss(torch.zeros(3, 2), torch.zeros(3, 1), 0.9)
    with pytest.raises(ValueError, match="baseline"):
        maxent_pg_loss(torch.zeros(3, 2), torch.zeros(3, 2), 0.9, torch.zeros(4, 2))
    with pytest.raises(ValueError, match="\\[T, B\\]"):
        soft_rewards_to_go(torch.zeros(3), torch.zeros(3), 1.0, 0.9)
