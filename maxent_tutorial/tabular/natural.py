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
* ``line-search`` (optional, TRPO's appendix C): try dtheta, dtheta / 2, dtheta / 4, ...
  and take the first whose KL *measured* on the batch, (1/B) sum_i sum_t
  KL(pi_old(.|s_t) || pi_new(.|s_t)), is at most max_kl and whose surrogate
  (1/B) sum_i sum_t gamma^t (G_t - b_t) pi_new(a_t|s_t) / pi_old(a_t|s_t) improves;
  if none of them does, no step.
"""

from __future__ import annotations

import torch
from torch.func import functional_call, jacrev
from torch.nn.utils import parameters_to_vector, vector_to_parameters

from .._validation import check_positive_int
from .policies import LinearSoftmaxPolicy, TabularSoftmaxPolicy


def log_softmax_jacobian(logits: torch.Tensor) -> torch.Tensor:
    """[n_states, 5] logits z -> [n_states, 5, 5] D[s, a, b] = d log pi(a|s) / d z_b(s).

    Closed form: log pi(a|s) = z_a(s) - log sum_c exp z_c(s), so D[s, a, b] = delta_ab -
    pi(b|s), one-hot rows minus the probabilities.

    The numbers come from log_softmax's own backward pass, fed the five one-hot rows at
    once, rather than from ``eye - softmax(z)``: in float32 that backward and
    ``torch.exp`` round some probabilities to different last bits, and a training run
    repeats autograd's result to the bit only with autograd's numbers. Same dtype as
    ``logits``.
    """
    n_states, n_actions = logits.shape
    rows = logits.detach().expand(n_actions, n_states, n_actions)  # [a, s, b]: z_b(s)
    rows = rows.clone().requires_grad_(True)
    one_hot = torch.eye(n_actions, dtype=logits.dtype)[:, None, :].expand_as(rows)
    with torch.enable_grad():
        (jacobian,) = torch.autograd.grad(
            torch.log_softmax(rows, dim=-1), rows, one_hot
        )
    return jacobian.transpose(0, 1)  # [s, a, b]


def log_probability_jacobian(policy) -> torch.Tensor:
    """[n_states * 5, P]: d log pi(a|s) / d theta for every state and action (P
    parameters), rows (s, a) row-major, columns in the order of ``policy.parameters()``.

    Closed forms, with D [n_states, 5, 5] = :func:`log_softmax_jacobian` of the logits:

    * tabular, theta = ``table`` [n_states, 5], z(s) = table[s]: d log pi(a|s) /
      d table[s', b] = D[s, a, b] if s' = s, else 0 (one 5 x 5 block per state);
    * linear, theta = (W [5, k], b [5]), z(s) = W x(s) + b: d log pi(a|s) / d W[c, k]
      = D[s, a, c] x_k(s) and d log pi(a|s) / d b_c = D[s, a, c].

    Any other policy (a subclass with its own logits or parameters): autograd's
    Jacobian, ``torch.func.jacrev``. Both give autograd's numbers to the bit.
    """
    states = torch.arange(policy.n_states)
    names = [name for name, _ in policy.named_parameters()]
    logits = type(policy).logits
    tabular = logits is TabularSoftmaxPolicy.logits and names == ["table"]
    linear = logits is LinearSoftmaxPolicy.logits and names == [
        "linear.weight",
        "linear.bias",
    ]
    if not (tabular or linear):
        return _jacobian_by_autograd(policy)
    n_pairs = policy.n_states * policy.n_actions
    with torch.no_grad():
        jacobian = log_softmax_jacobian(policy.logits(states))  # [s, a, b]
        if tabular:  # [s, a, s', b], nonzero on s' = s
            blocks = jacobian.new_zeros(
                policy.n_states, policy.n_actions, policy.n_states, policy.n_actions
            )
            blocks[states, :, states, :] = jacobian
            return blocks.reshape(n_pairs, n_pairs)
        features = policy.features(states)  # [s, k]
        weight = jacobian[..., None] * features[:, None, None, :]  # [s, a, c, k]
        return torch.cat(
            (weight.reshape(n_pairs, -1), jacobian.reshape(n_pairs, -1)), dim=1
        )


def _jacobian_by_autograd(policy) -> torch.Tensor:
    """:func:`log_probability_jacobian` of any softmax policy, by ``jacrev``."""
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
    (state, action) pair, so psi_i = counts_i @ d log pi / d theta
    (:func:`log_probability_jacobian`).
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


def batch_kl(old_probs, new_probs, states: torch.Tensor) -> torch.Tensor:
    """KL between two policies per episode, measured on a batch's states (the units
    of ``max_kl``): (1/B) sum_i sum_t KL(old(.|s_t) || new(.|s_t)).

    old_probs, new_probs: [n_states, 5] tables pi(a|s); states: [T, B]. Returns a
    float64 scalar.
    """
    old, new = old_probs.double(), new_probs.double()
    per_state = (old * (old.log() - new.log())).sum(dim=1)  # [n_states]
    return per_state[states].sum() / states.shape[1]


def surrogate_gain(
    old_probs, new_probs, states, actions, weights: torch.Tensor
) -> torch.Tensor:
    """Importance-sampled change of the surrogate, sum_{t,i} w_ti (ratio_ti - 1), with
    ratio = pi_new(a_t|s_t) / pi_old(a_t|s_t) and weights [T, B] w = gamma^t (G_t -
    b_t) / B: its gradient at pi_new = pi_old is the policy-gradient estimate.
    Returns a float64 scalar."""
    ratio = new_probs.double() / old_probs.double()
    return (weights.double() * (ratio[states, actions] - 1)).sum()


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
        line_search: shrink the step by ``backtrack_factor`` (up to ``max_backtracks``
            times) until the KL measured on the batch is at most ``max_kl`` and the
            surrogate improves; no step if none qualifies (``line-search``).
        backtrack_factor: the shrink factor, in (0, 1).
        max_backtracks: the most shrinks tried.

    After each :meth:`step`, ``measured_kl`` is the KL of the step taken, measured
    on the batch (:func:`batch_kl`; ``None`` without the batch's states), and
    ``shrinks`` how many times it was halved (``None`` when the line search took no
    step).
    """

    def __init__(
        self,
        policy,
        max_kl: float = 0.05,
        damping: float = 0.1,
        cg_iterations: int = 10,
        line_search: bool = False,
        backtrack_factor: float = 0.5,
        max_backtracks: int = 10,
    ):
        for name, value in (("max_kl", max_kl), ("damping", damping)):
            if not value > 0:
                raise ValueError(f"{name} must be positive, got {value}")
        check_positive_int(cg_iterations, "cg_iterations")
        check_positive_int(max_backtracks, "max_backtracks")
        if not 0 < backtrack_factor < 1:
            raise ValueError(
                f"backtrack_factor must be in (0, 1), got {backtrack_factor}"
            )
        self.policy, self.max_kl, self.damping, self.cg_iterations = (
            policy,
            max_kl,
            damping,
            cg_iterations,
        )
        self.line_search = bool(line_search)
        self.backtrack_factor, self.max_backtracks = backtrack_factor, max_backtracks
        self.measured_kl, self.shrinks = None, 0

    def step(
        self,
        gradient: torch.Tensor,
        scores: torch.Tensor,
        states: torch.Tensor | None = None,
        actions: torch.Tensor | None = None,
        weights: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Move the parameters along the natural direction; returns the step dtheta [P].

        gradient: [P] ascent direction g (the policy-gradient estimate); scores: [B, P]
            psi_i. states, actions: the batch's [T, B] states and actions; weights:
            [T, B] gamma^t (G_t - b_t) / B, the surrogate's weights. The line search
            needs all three; without it, ``states`` alone lets the step's KL on the
            batch be recorded.
        """
        if self.line_search and (states is None or actions is None or weights is None):
            raise ValueError(
                "the line search needs the batch's states, actions, weights"
            )
        gradient = gradient.double()

        def product(v):
            return fisher_vector_product(scores, v, self.damping)

        direction = conjugate_gradient(product, gradient, self.cg_iterations)
        curvature = direction @ product(direction)
        if not curvature > 0:
            self.measured_kl, self.shrinks = 0.0, 0
            return torch.zeros_like(direction)
        step = torch.sqrt(2 * self.max_kl / curvature) * direction  # trust-region
        with torch.no_grad():
            parameters = parameters_to_vector(self.policy.parameters())
            old_probs = self.policy.action_probabilities(torch.float64)
            self.shrinks = 0
            for _ in range(self.max_backtracks + 1 if self.line_search else 1):
                vector_to_parameters(
                    parameters + step.to(parameters.dtype), self.policy.parameters()
                )
                if states is None:
                    self.measured_kl = None
                    return step
                new_probs = self.policy.action_probabilities(torch.float64)
                self.measured_kl = batch_kl(old_probs, new_probs, states).item()
                if not self.line_search:
                    return step
                # line-search: KL on the batch within max_kl, and the surrogate improves
                gain = surrogate_gain(old_probs, new_probs, states, actions, weights)
                if self.measured_kl <= self.max_kl and gain > 0:
                    return step
                step = self.backtrack_factor * step
                self.shrinks += 1
            vector_to_parameters(parameters, self.policy.parameters())  # no step
            self.measured_kl, self.shrinks = 0.0, None
            return torch.zeros_like(step)
