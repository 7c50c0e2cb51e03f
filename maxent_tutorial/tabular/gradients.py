"""Policy-gradient estimates and the exact gradient they estimate (chapters 3 and 9).

``exact_policy_gradient`` differentiates the exact soft value of the start state
(``policy-evaluation``) with autograd (``logit_gradient``: any function of the table
pi, in the logits); ``gradient_estimates`` draws many independent sampled estimates
(``policy-gradient``) at a fixed policy; ``gradient_mse`` scores them: E ||g_hat -
g||^2 = squared bias + variance, and ``largest_z_score`` checks their mean against the
exact gradient in standard errors.
"""

from __future__ import annotations

import torch

from .._validation import check_policy_grid, check_positive_int
from ..exact import soft_policy_values
from .baselines import make_baseline
from .objective import batch_loss


def flat_gradient(output: torch.Tensor, policy) -> torch.Tensor:
    """d output / d theta for all the policy's parameters, flat: [P] float64."""
    gradients = torch.autograd.grad(output, list(policy.parameters()))
    return torch.cat([g.reshape(-1) for g in gradients]).double()


def exact_policy_gradient(grid, policy, alpha: float, discount: float) -> torch.Tensor:
    """[P] exact gradient of V_pi(start) (``policy-evaluation``) in the policy's
    parameters."""
    check_policy_grid(policy, grid)
    values = soft_policy_values(
        grid, policy.action_probabilities(torch.float64), alpha, discount
    )
    return flat_gradient(values[grid.start_state], policy)


def logit_gradient(value_of_probs, logits: torch.Tensor) -> torch.Tensor:
    """d value / d logits of a function of the probability table, at the policy whose
    [n_states, n_actions] logits are ``logits``.

    Args:
        value_of_probs: [n_states, n_actions] float64 pi = softmax(logits) -> scalar
            (``lambda probs: soft_policy_values(grid, probs, alpha, discount)[start]``:
            the exact gradient of chapter 3).
        logits: [n_states, n_actions] z (not changed).

    Returns:
        [n_states, n_actions] float64 gradient.
    """
    logits = logits.detach().double().requires_grad_(True)
    (gradient,) = torch.autograd.grad(
        value_of_probs(torch.softmax(logits, dim=1)), logits
    )
    return gradient


def sampled_policy_gradient(
    policy, episodes, alpha: float, discount: float, baseline
) -> torch.Tensor:
    """[P] one estimate (``policy-gradient``) of grad V(start) from a batch, in float64.

    ``baseline`` is a baseline object (see :mod:`maxent_tutorial.baselines`); it sees
    the batch.
    """
    loss, _ = batch_loss(
        policy, episodes, alpha, discount, baseline, dtype=torch.float64
    )
    return -flat_gradient(loss, policy)


def gradient_estimates(
    grid,
    policy,
    *,
    n_estimates: int,
    n_episodes: int,
    horizon: int,
    alpha: float,
    discount: float,
    baseline: str = "none",
    warmup: int = 5,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """[n_estimates, P] independent estimates of grad V(start) at the fixed ``policy``.

    Each estimate uses its own batch of ``n_episodes`` episodes of ``horizon`` steps. A
    learned baseline first sees ``warmup`` batches that are not recorded, then keeps
    learning from each batch after using it, as in training; it never uses a batch for
    that batch's own baseline, so every estimate stays unbiased.
    """
    check_policy_grid(policy, grid)
    n_estimates = check_positive_int(n_estimates, "n_estimates")
    baseline_fn = make_baseline(baseline, grid, discount)
    estimates = []
    for index in range(warmup + n_estimates):
        episodes = grid.rollout(policy, horizon, n_episodes, generator)
        estimate = sampled_policy_gradient(
            policy, episodes, alpha, discount, baseline_fn
        )
        if index >= warmup:
            estimates.append(estimate)
    return torch.stack(estimates)


def _check_estimates(estimates: torch.Tensor, exact: torch.Tensor) -> None:
    if estimates.ndim != 2 or estimates.shape[1:] != exact.shape:
        raise ValueError(
            f"estimates must be [N, P] with P = {exact.numel()}, "
            f"got {list(estimates.shape)}"
        )


def largest_z_score(estimates: torch.Tensor, target: torch.Tensor) -> float:
    """The largest |mean estimate - target| / standard error over the components of
    [N, P] estimates against [P] ``target``; a component whose estimates never vary
    has a standard error of 0, counted as 1e-12."""
    _check_estimates(estimates, target)
    standard_error = estimates.std(dim=0) / len(estimates) ** 0.5
    deviation = (estimates.mean(dim=0) - target).abs()
    return (deviation / standard_error.clamp_min(1e-12)).max().item()


def gradient_mse(estimates: torch.Tensor, exact: torch.Tensor) -> float:
    """Mean squared error ``mean_i ||estimate_i - exact||^2`` of [N, P] estimates
    against [P]."""
    _check_estimates(estimates, exact)
    return ((estimates - exact) ** 2).sum(dim=1).mean().item()
