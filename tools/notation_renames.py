"""One symbol, one meaning: the renames of December 2026, applied to the chapters.

Before them, a letter meant different things in different chapters (the notation page
named the chapter of each meaning). Each rename below is an exact text replacement in
one chapter's cells (Markdown, and code where the code spells the symbol the same
way), so that every symbol of the book has one meaning:

* chapter 3: the one-state objective F(pi) is written calligraphic (F is the Fisher
  matrix of chapter 10); the number of actions n is |A| (n counts draws in chapter 1).
* chapter 7: the discounted visit counts mu_pi are omega_pi (mu is the Gaussian mean of
  chapter 15).
* chapter 10: the natural direction x is g-tilde (x(s) is the linear policy's features).
* chapter 11: the reward scale c is kappa (c_j is a cumulative probability in chapters
  1-2); the dual function g is q, as Bertsekas writes it (g is the gradient
  estimate); Adam's epsilon is epsilon_Adam (epsilon is a fraction of random actions
  in chapter 12 and the appendix).
* chapter 12: the textbook step size 1/n is said in words (n counts draws in chapter
  1); a fraction of random actions is
  varepsilon, as in the appendix.
* chapter 15: the Gaussian sample before squashing, u, is a_raw (u is the uniform
  number that draws an action in chapters 1-2).
* the appendix: Adam's epsilon, as in chapter 11.

Run once; the replacements do nothing on chapters already renamed, and the script
stops if an expected text is missing from a chapter that still has its old form:

    python tools/notation_renames.py
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RENAMES = {
    "03_objective": [
        ("$F(\\pi) = ", "$\\mathcal{F}(\\pi) = "),
        ("into $F$ gives", "into $\\mathcal{F}$ gives"),
        ("\\max_\\pi F(\\pi)", "\\max_\\pi \\mathcal{F}(\\pi)"),
        ("maximisation of $F$", "maximisation of $\\mathcal{F}$"),
        (
            "(any $n$ numbers for now)",
            "(any $\\lvert\\mathcal{A}\\rvert$ numbers for now)",
        ),
        ("over the $n$ actions", "over the $\\lvert\\mathcal{A}\\rvert$ actions"),
        ("\\alpha \\log n", "\\alpha \\log \\lvert\\mathcal{A}\\rvert"),
        ("entropy, $\\log n$,", "entropy, $\\log \\lvert\\mathcal{A}\\rvert$,"),
    ],
    "07_exact": [("\\mu_\\pi", "\\omega_\\pi")],
    "10_natural_gradient": [
        ("(F + \\lambda I)\\, x = g", "(F + \\lambda I)\\, \\tilde g = g"),
        (
            "\\sqrt{\\frac{2\\delta}{x^\\top (F + \\lambda I)\\, x}}\\; x .",
            "\\sqrt{\\frac{2\\delta}{\\tilde g^\\top (F + \\lambda I)\\, \\tilde g}}"
            "\\; \\tilde g .",
        ),
        ("CG solves $A x = g$", "CG solves $A \\tilde g = g$"),
        (
            "\\sqrt{2\\delta / x^\\top (F + \\lambda I)\\, x}\\;\\, x$",
            "\\sqrt{2\\delta / \\tilde g^\\top (F + \\lambda I)\\, \\tilde g}"
            "\\;\\, \\tilde g$",
        ),
        ("x = torch.zeros_like(g)", "solution = torch.zeros_like(g)"),
        ("# r = g - A x", "# r = g - A g~"),
        ("x = x + step * direction", "solution = solution + step * direction"),
        ("    return x\n", "    return solution\n"),
        ("x = cg_by_hand(product, gradient", "natural = cg_by_hand(product, gradient"),
        ("    x, conjugate_gradient(", "    natural, conjugate_gradient("),
        (
            "# trust-region: dtheta = sqrt(2 delta / x^T (F + lambda I) x) x",
            "# trust-region: dtheta = sqrt(2 delta / g~^T (F + lambda I) g~) g~",
        ),
        (
            "step = torch.sqrt(2 * MAX_KL / (x @ product(x))) * x",
            "step = torch.sqrt(2 * MAX_KL / (natural @ product(natural))) * natural",
        ),
    ],
    "11_choosing_temperature": [
        (
            "by $c > 0$ and the temperature by the same $c$",
            "by $\\kappa > 0$ and the temperature by the same $\\kappa$",
        ),
        ("then $cQ^*$ and $cV^*$", "then $\\kappa Q^*$ and $\\kappa V^*$"),
        ("$(cR, c\\alpha)$", "$(\\kappa R, \\kappa\\alpha)$"),
        (
            "$c\\alpha \\log \\sum_a \\exp\\big(cQ(s, a) / (c\\alpha)\\big)"
            " = c\\,\\alpha",
            "$\\kappa\\alpha \\log \\sum_a \\exp\\big(\\kappa Q(s, a)"
            " / (\\kappa\\alpha)\\big) = \\kappa\\,\\alpha",
        ),
        (
            "$cQ^* / (c\\alpha) = Q^* / \\alpha$",
            "$\\kappa Q^* / (\\kappa\\alpha) = Q^* / \\alpha$",
        ),
        (
            "(R, \\alpha) \\to (cR, c\\alpha): \\qquad Q^* \\to cQ^*,"
            " \\quad V^* \\to cV^*",
            "(R, \\alpha) \\to (\\kappa R, \\kappa\\alpha): \\qquad"
            " Q^* \\to \\kappa Q^*, \\quad V^* \\to \\kappa V^*",
        ),
        (
            "alpha*(c) = c alpha*(1), one solve at c).",
            "alpha*(kappa) = kappa alpha*(1); one solve at\n# kappa).",
        ),
        ('the cell checks it at c = 1000"', 'the cell checks it at kappa = 1000"'),
        (
            "reward scale $c$ is $c\\,\\alpha^*$",
            "reward scale $\\kappa$ is $\\kappa\\,\\alpha^*$",
        ),
        ("at $c = 1000$", "at $\\kappa = 1000$"),
        ("so at scale $c$ the starting", "so at scale $\\kappa$ the starting"),
        ("is exactly $c$ times", "is exactly $\\kappa$ times"),
        (
            "by $c$, up to rounding and Adam's $\\epsilon$",
            "by $\\kappa$, up to rounding and Adam's $\\epsilon_\\text{Adam}$",
        ),
        (
            '"reward scale $c$ (rewards times $c$)"',
            '"reward scale $\\\\kappa$ (rewards times $\\\\kappa$)"',
        ),
        ("\\alpha^*(c)", "\\alpha^*(\\kappa)"),
        ("$g(\\alpha) = V^*_\\alpha", "$q(\\alpha) = V^*_\\alpha"),
        ("g'(\\alpha) = \\frac", "q'(\\alpha) = \\frac"),
        ("minimises $g$ over", "minimises $q$ over"),
        ("A finite difference of $g$", "A finite difference of $q$"),
    ],
    "12_soft_q_learning": [
        ("decays like $1/n$", "decays like one over the number of updates of the pair"),
        (
            "(an $\\epsilon$ of random actions",
            "(a fraction $\\varepsilon$ of random actions",
        ),
    ],
    "15_continuous_sac": [
        ("u &= \\mu_\\theta(s)", "a_\\text{raw} &= \\mu_\\theta(s)"),
        ("\\log \\mathcal{N}(u; ", "\\log \\mathcal{N}(a_\\text{raw}; "),
        ("since $u$ is a differentiable", "since $a_\\text{raw}$ is a differentiable"),
        ("$\\mathbb{E}[Q(s, u)]$", "$\\mathbb{E}[Q(s, a_\\text{raw})]$"),
        ("\\big(\\tanh u + 1\\big)", "\\big(\\tanh a_\\text{raw} + 1\\big)"),
        ("\\tanh^2 u_i", "\\tanh^2 a_{\\text{raw}, i}"),
        ("u = mean + log_std.exp() * xi", "a_raw = mean + log_std.exp() * xi"),
        ("torch.tanh(u)", "torch.tanh(a_raw)"),
        (
            "$\\log(1 - \\tanh^2 u)$ as"
            " $2(\\log 2 - u - \\operatorname{softplus}(-2u))$",
            "$\\log(1 - \\tanh^2 a_\\text{raw})$ as $2(\\log 2 - a_\\text{raw} - "
            "\\operatorname{softplus}(-2a_\\text{raw}))$",
        ),
        ("when $\\tanh u$ rounds", "when $\\tanh a_\\text{raw}$ rounds"),
        (
            "draws $u = \\mu + \\sigma \\zeta$",
            "draws $a_\\text{raw} = \\mu + \\sigma \\zeta$",
        ),
        (
            "Draw $u \\sim \\mathcal{N}(2, 1)$",
            "Draw $a_\\text{raw} \\sim \\mathcal{N}(2, 1)$",
        ),
    ],
    "appendix_original_post": [
        ("(up to its tiny $\\epsilon$)", "(up to its tiny $\\epsilon_\\text{Adam}$)"),
    ],
}


def main() -> int:
    for stem, renames in RENAMES.items():
        path = ROOT / "book" / f"{stem}.ipynb"
        data = json.loads(path.read_text())
        texts = ["".join(cell["source"]) for cell in data["cells"]]
        whole = "\n".join(texts)
        missing = [old for old, new in renames if old not in whole and new not in whole]
        if missing:
            print(f"{stem}: expected text not found: {missing}")
            return 1
        for cell, text in zip(data["cells"], texts, strict=True):
            for old, new in renames:
                text = text.replace(old, new)
            lines = text.split("\n")
            cell["source"] = [line + "\n" for line in lines[:-1]] + [lines[-1]]
            if cell["source"][-1] == "":
                cell["source"].pop()
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        print(f"{stem}: {len(renames)} renames")
    return 0


if __name__ == "__main__":
    sys.exit(main())
