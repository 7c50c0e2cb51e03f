"""Natural-gradient steps: Fisher estimate, conjugate gradients, KL trust region
(chapter 10).

Equations (the book's labels):

* ``score-vector``, per episode i:  psi_i = grad_theta sum_t log pi(a_t|s_t).
* ``fisher``:  F = (1/B) sum_i psi_i psi_i^T, a Monte Carlo estimate of the Fisher
  information of a whole episode's action sequence (the actions are drawn from pi
  itself).
* ``natural-direction``:  x solves (F + damping I) x = g, g the policy-gradient
  estimate, by conjugate gradients using only products F v = (1/B) Psi^T (Psi v): F is
  never formed.
* ``trust-region``:  KL(pi_old || pi_new) over an episode ~ 1/2 dtheta^T F dtheta <=
  max_kl, so dtheta = sqrt(2 max_kl / x^T (F + damping I) x) x.
"""

from __future__ import annotations

import torch
from torch.func import functional_call, jacrev
from torch.nn.utils import parameters_to_vector, vector_to_parameters

from .._validation import check_positive_int


def log_probability_jacobian(policy) -> torch.Tensor:
    """[n_states * 5, P]: d log pi(a|s) / d theta for every state and action (P
    parameters)."""
    parameters = {name: p.detach() for name, p in policy.named_parameters()}
    states = torch.arange(policy.n_states)

    def table(params):
        # forward = log-probabilities
        return functional_call(policy, params, (states,)).reshape(-1)

    jacobian = jacrev(table)(parameters)
    return torch.cat(
        [
            jacobian[name].reshape(states.numel() * policy.n_actions, -1)
            for name in parameters
        ],
        dim=1,
    )


def episode_scores(policy, states: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
    """[T, B] states and actions -> [B, P] score vectors psi_i (``score-vector``),
    float64.

    ``sum_t log pi(a_t|s_t)`` depends on the episode only through how often it took each
    (state, action) pair, so psi_i = counts_i @ d log pi / d theta.
    """
    n_pairs = policy.n_states * policy.n_actions
    n_episodes = states.shape[1]
    pair = states * policy.n_actions + actions  # [T, B]
    index = (torch.arange(n_episodes) * n_pairs + pair).reshape(-1)
    counts = torch.bincount(index, minlength=n_episodes * n_pairs).reshape(
        n_episodes, n_pairs
    )
    return counts.double() @ log_probability_jacobian(policy).double()


def fisher_vector_product(
    scores: torch.Tensor, vector: torch.Tensor, damping: float
) -> torch.Tensor:
    """(F + damping I) v with F = (1/B) Psi^T Psi (``fisher``), without forming F.

    scores: [B, P] psi_i; vector: [P]. Returns [P].
    """
    return scores.T @ (scores @ vector) / scores.shape[0] + damping * vector


def conjugate_gradient(
    matrix_vector_product,
    rhs: torch.Tensor,
    iterations: int = 10,
    tolerance: float = 1e-10,
) -> torch.Tensor:
    """Solve A x = rhs for symmetric positive-definite A given only v -> A v
    (``natural-direction``). rhs: [P]; returns [P] after at most ``iterations`` steps.
    """
    x = torch.zeros_like(rhs)
    residual = rhs.clone()
    direction = rhs.clone()
    residual_norm = residual @ residual
    for _ in range(iterations):
        if residual_norm <= tolerance:
            break
        product = matrix_vector_product(direction)
        step = residual_norm / (direction @ product)
        x = x + step * direction
        residual = residual - step * product
        new_norm = residual @ residual
        direction = residual + (new_norm / residual_norm) * direction
        residual_norm = new_norm
    return x


class NaturalGradient:
    """Natural-gradient ascent steps on a policy's parameters (``natural-direction``,
    ``trust-region``).

    Args:
        policy: the softmax policy to update in place.
        max_kl: trust-region size delta, the largest predicted KL divergence per step
            between the old and new policies' distributions over a whole episode's
            actions (about T times a per-state KL such as TRPO's).
        damping: added to the Fisher's diagonal; keeps the solve well posed when B < P.
        cg_iterations: conjugate-gradient iterations per step.
    """

    def __init__(
        self,
        policy,
        max_kl: float = 0.05,
        damping: float = 0.1,
        cg_iterations: int = 10,
    ):
        for name, value in (("max_kl", max_kl), ("damping", damping)):
            if not value > 0:
                raise ValueError(f"{name} must be positive, got {value}")
        check_positive_int(cg_iterations, "cg_iterations")
        self.policy, self.max_kl, self.damping, self.cg_iterations = (
            policy,
            max_kl,
            damping,
            cg_iterations,
        )

    def step(self, gradient: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        """Move the parameters along the natural direction; returns the step dtheta [P].

        gradient: [P] ascent direction g (the policy-gradient estimate); scores: [B, P]
            psi_i.
        """
        gradient = gradient.double()

        def product(v):
            return fisher_vector_product(scores, v, self.damping)

        direction = conjugate_gradient(product, gradient, self.cg_iterations)
        curvature = direction @ product(direction)
        if not curvature > 0:
            return torch.zeros_like(direction)
        step = torch.sqrt(2 * self.max_kl / curvature) * direction  # trust-region
        with torch.no_grad():
            parameters = parameters_to_vector(self.policy.parameters())
            vector_to_parameters(
                parameters + step.to(parameters.dtype), self.policy.parameters()
            )
        return step
