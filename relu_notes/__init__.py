"""Helper code for the executable book *Why ReLUs die*.

One concept per module; each module's docstring names the chapter that
explains it:

- :mod:`relu_notes.activations`: activation functions and derivatives.
- :mod:`relu_notes.data`: ordinary inputs, teacher targets, outliers.
- :mod:`relu_notes.explorer`: the outlier explorer (widget, the face
  computed in the page, small multiples).
- :mod:`relu_notes.gradcheck`: finite differences for checking gradients.
- :mod:`relu_notes.losses`: MSE, MAE and Huber losses and derivatives.
- :mod:`relu_notes.mlp`: a fully connected network and its backward pass.
- :mod:`relu_notes.neuron`: one ReLU neuron, its gradients and SGD step.
- :mod:`relu_notes.outlier`: one step on an outlier and the exact death
  condition.
- :mod:`relu_notes.theory`: closed forms behind vanishing gradients.
- :mod:`relu_notes.optim`: SGD, momentum, Adam and gradient clipping.
- :mod:`relu_notes.train`: a training loop that records dead units.
- :mod:`relu_notes.diagnostics`: dead fraction, activation rate and
  gradient norms of any recorded activations.
- :mod:`relu_notes.listings`: heavy-tailed listing features with outliers.
- :mod:`relu_notes.transforms`: z-score and log-median feature transforms.
- :mod:`relu_notes.experiments`: Part IV's experiment and its baseline.
- :mod:`relu_notes.style`: the common look of the book's figures.
- :mod:`relu_notes.sweep`: many neurons at once, for parameter sweeps.
- :mod:`relu_notes.ranking`: the pairwise logistic loss, NDCG and
  delta-NDCG weights.
- :mod:`relu_notes.searchlogs`: synthetic search logs with one booking
  per search.
- :mod:`relu_notes.ranktrain`: ranking networks trained side by side, and
  the step that killed each hidden unit.
- :mod:`relu_notes.seedstats`: bootstrap intervals over seeds, and their
  text for a table cell.
- :mod:`relu_notes.revival`: dormant units and their re-initialisation
  (ReDo).
- :mod:`relu_notes.bias_init`: data-dependent initial biases.
- :mod:`relu_notes.realdata`: the diamonds table, read from the plotnine
  wheel.
- :mod:`relu_notes.diamond_experiments`: the real-data experiment.
- :mod:`relu_notes.book`: numbers and figures as the book shows them
  (glue at the stated precision, figure fingerprints).
"""

__version__ = "0.1.0"
