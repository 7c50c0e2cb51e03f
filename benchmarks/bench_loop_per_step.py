"""Seconds per training iteration when every step is a turn of a Python loop.

The original post's code (the book's appendix describes it) walks through every step
of every episode in Python: a few small torch calls per step to evaluate the policy
and draw an action, and again per step to compute each log-probability for the loss.
This script writes a loop of that shape here, in our own code, for the algorithm the
package runs (linear policy, soft rewards-to-go, no baseline, one Adam step per
iteration), and times it against the package's `train_pg` with the same settings, in
the same run. It first checks that the loop and the package make the same moves and
compute the same loss gradient on a shared batch, so the two timings measure one
algorithm written two ways.

Timings on a shared machine are noisy: the rounds are interleaved, each figure is a
median, and the ratio of the two, measured in one run, is the number to quote.

Run:  python benchmarks/bench_loop_per_step.py   (about half a minute)
Writes maxent_tutorial/results/loop_per_step.json (``save_result``: one row per round;
the appendix reads the medians' top-level copies ``loop_seconds_per_iteration``,
``package_seconds_per_iteration``, ``ratio``, ``loop_minutes_for_post_budget``).
"""

import platform
import statistics
import time

import torch

from maxent_tutorial import (
    DOWN,
    LEFT,
    RIGHT,
    STAY,
    UP,
    GridWorld,
    LinearSoftmaxPolicy,
    train_pg,
)
from maxent_tutorial.results import make_record, save_result
from maxent_tutorial.tabular.baselines import make_baseline
from maxent_tutorial.tabular.objective import batch_loss

RESULT = "loop_per_step"
# The post's budget: 500 iterations of 10 episodes of 300 steps, alpha 1, gamma 0.99.
HORIZON, N_EPISODES, ALPHA, DISCOUNT, LR, POST_ITERATIONS = 300, 10, 1.0, 0.99, 0.1, 500
ROUNDS, LOOP_ITERATIONS, PACKAGE_ITERATIONS = 3, 2, 100
# (row change, column change) of each action; row 0 is the top row.
MOVES = {STAY: (0, 0), UP: (-1, 0), DOWN: (1, 0), RIGHT: (0, 1), LEFT: (0, -1)}


def next_cell(grid, row, col, action):
    """One move in plain Python; a move off the grid leaves the agent in place."""
    d_row, d_col = MOVES[action]
    row = min(max(row + d_row, 0), grid.n_rows - 1)
    col = min(max(col + d_col, 0), grid.n_cols - 1)
    return row, col


def features(grid, row, col):
    """x(s) = (row / (n_rows - 1), col / (n_cols - 1)), the linear policy's input."""
    return torch.tensor([row / (grid.n_rows - 1), col / (grid.n_cols - 1)])


def loop_rollout(grid, linear, generator):
    """Episodes from the start, one step at a time: [B][T] cells, actions, rewards."""
    rewards_map = grid.rewards.tolist()
    cells, actions, rewards = [], [], []
    for _ in range(N_EPISODES):
        row, col = grid.start
        cells.append([]), actions.append([]), rewards.append([])
        for _ in range(HORIZON):
            with torch.no_grad():  # pi(.|s_t), one small torch call per step
                probs = torch.softmax(linear(features(grid, row, col)), dim=0)
            action = int(torch.multinomial(probs, 1, generator=generator))
            cells[-1].append((row, col))
            actions[-1].append(action)
            rewards[-1].append(rewards_map[row][col])  # r_t = R(s_t)
            row, col = next_cell(grid, row, col, action)
    return cells, actions, rewards


def loop_loss(grid, linear, cells, actions, rewards):
    """The surrogate loss, one log-probability per step, then G_t backwards in time."""
    log_probs = torch.zeros(HORIZON, N_EPISODES)  # [T, B] log pi(a_t|s_t)
    for b in range(N_EPISODES):
        for t in range(HORIZON):
            row, col = cells[b][t]
            log_pi = torch.log_softmax(linear(features(grid, row, col)), dim=0)
            log_probs[t, b] = log_pi[actions[b][t]]
    rewards = torch.tensor(rewards, dtype=torch.float32).T  # [T, B]
    returns = torch.zeros(HORIZON, N_EPISODES)  # G_t
    future = torch.zeros(N_EPISODES)
    for t in reversed(range(HORIZON)):
        # G_t = r_t - alpha * log pi(a_t|s_t) + gamma * G_{t+1}
        future = rewards[t] - ALPHA * log_probs[t].detach() + DISCOUNT * future
        returns[t] = future
    step_weights = DISCOUNT ** torch.arange(HORIZON, dtype=torch.float32)  # gamma^t
    return -(step_weights[:, None] * log_probs * returns).sum() / N_EPISODES


def loop_iteration(grid, linear, optimizer, generator):
    """One iteration: a batch of episodes, the loss, one Adam step."""
    cells, actions, rewards = loop_rollout(grid, linear, generator)
    loss = loop_loss(grid, linear, cells, actions, rewards)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def check_same_algorithm(grid):
    """The loop's moves equal the grid's; its loss gradient equals the package's."""
    for state in range(grid.n_states):
        for action in range(grid.n_actions):
            row, col = next_cell(grid, *grid.to_cell(state), action)
            assert grid.to_state(row, col) == int(grid.next_states[state, action])
    policy = LinearSoftmaxPolicy(grid)
    with torch.no_grad():  # a policy that is not uniform, so every term matters
        for parameter in policy.parameters():
            parameter.normal_(generator=torch.Generator().manual_seed(0))
    episodes = grid.rollout(
        policy, HORIZON, N_EPISODES, torch.Generator().manual_seed(1)
    )
    cells = [[grid.to_cell(s) for s in column] for column in episodes.states.T.tolist()]
    actions, rewards = episodes.actions.T.tolist(), episodes.rewards.T.tolist()
    loss, _ = batch_loss(policy, episodes, ALPHA, DISCOUNT, make_baseline("none"))
    expected = torch.autograd.grad(loss, policy.linear.weight)[0]
    loss = loop_loss(grid, policy.linear, cells, actions, rewards)
    found = torch.autograd.grad(loss, policy.linear.weight)[0]
    assert torch.allclose(found, expected, rtol=1e-3, atol=1e-3 * expected.abs().max())


def seconds_per_iteration_loop(grid, seed):
    policy = LinearSoftmaxPolicy(grid)
    optimizer = torch.optim.Adam(policy.parameters(), lr=LR)
    generator = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    for _ in range(LOOP_ITERATIONS):
        loop_iteration(grid, policy.linear, optimizer, generator)
    return (time.perf_counter() - start) / LOOP_ITERATIONS


def seconds_per_iteration_package(grid, seed):
    start = time.perf_counter()
    train_pg(
        grid,
        policy="linear",
        total_timesteps=PACKAGE_ITERATIONS * N_EPISODES * HORIZON,
        horizon=HORIZON,
        n_envs=N_EPISODES,
        alpha=ALPHA,
        discount=DISCOUNT,
        lr=LR,
        baseline="none",
        seed=seed,
        progress=False,
    )
    return (time.perf_counter() - start) / PACKAGE_ITERATIONS


def main() -> None:
    torch.set_num_threads(1)  # both versions on one core; the per-step calls are tiny
    grid = GridWorld()
    check_same_algorithm(grid)
    seconds_per_iteration_package(grid, seed=0)  # warm-up: allocator, kernels, imports
    seeds = range(1, ROUNDS + 1)
    rows = []
    for seed in seeds:  # interleaved, so a slow spell hits both
        loop = seconds_per_iteration_loop(grid, seed)
        package = seconds_per_iteration_package(grid, seed)
        rows.append(
            {
                "seed": seed,
                "loop_seconds_per_iteration": loop,
                "package_seconds_per_iteration": package,
                "ratio": loop / package,
            }
        )
    loop_s = statistics.median(row["loop_seconds_per_iteration"] for row in rows)
    package_s = statistics.median(row["package_seconds_per_iteration"] for row in rows)
    medians = {
        "loop_seconds_per_iteration": loop_s,
        "package_seconds_per_iteration": package_s,
        "ratio": loop_s / package_s,  # of the medians, measured in one run
        "loop_minutes_for_post_budget": loop_s * POST_ITERATIONS / 60,
    }
    record = make_record(
        seeds,
        rows,
        medians,
        description=(
            "seconds per training iteration (10 episodes of 300 steps, linear policy, "
            "no baseline, Adam): a loop over every step against train_pg()"
        ),
        **medians,  # the appendix reads these top-level copies
        post_iterations=POST_ITERATIONS,
        horizon=HORIZON,
        n_episodes=N_EPISODES,
        rounds=ROUNDS,
        loop_iterations_per_round=LOOP_ITERATIONS,
        package_iterations_per_round=PACKAGE_ITERATIONS,
        torch=torch.__version__,
        threads=torch.get_num_threads(),
        python=platform.python_version(),
    )
    path = save_result(RESULT, record)
    print(
        f"loop over every step: {loop_s:.2f} s per iteration "
        f"({medians['loop_minutes_for_post_budget']:.1f} min for {POST_ITERATIONS})"
    )
    print(f"package train_pg:     {1000 * package_s:.2f} ms per iteration")
    print(f"ratio:                {medians['ratio']:.0f}x   -> {path}")


if __name__ == "__main__":
    main()
