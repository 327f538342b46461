"""Docstring sections shared by the classifier and the regressor.

Both estimators take the same training hyperparameters and expose the same
fitted attributes; their text lives here once and is put into each class
docstring by :func:`fill_doc`.
"""

# SPDX-License-Identifier: BSD-3-Clause

SHARED = {
    "hidden_layer_sizes": """hidden_layer_sizes : array-like of shape (n_layers - 2,) or int, default=(100,)
        Number of sigmoid units in each hidden layer; ``()`` gives a network
        with no hidden layer.""",
    "choices": """activation : {{'logistic'}}, default='logistic'
        Activation of the hidden units: the sigmoid σ(z) = 1 / (1 + e⁻ᶻ),
        ``'logistic'`` in scikit-learn's vocabulary, the one sknn has. The
        parameter is there so that scikit-learn code runs with only the
        class name changed; another value fails at ``fit`` with an
        ``InvalidParameterError`` that says what to use instead.

    solver : {{'sgd'}}, default='sgd'
        The optimiser: mini-batch stochastic gradient descent with momentum,
        the one sknn has (scikit-learn's ``'sgd'``); another value fails at
        ``fit`` as for ``activation``.""",
    "training": """alpha : float, default=1e-4
        Strength α of the L2 penalty (α / 2m) Σ ‖W‖² added to the cost;
        biases are not penalised.

    batch_size : int, default=32
        Rows per mini-batch (clipped to the number of samples). Small batches
        give many cheap, noisy steps: the classic advice is 16 to 32.

    learning_rate : {{'constant', 'invscaling', 'adaptive'}}, default={learning_rate!r}
        Learning-rate schedule:

        - ``'constant'``: η = ``learning_rate_init`` throughout.
        - ``'invscaling'``: η = η₀ / (t + 1)^p after each epoch, with
          η₀ = ``learning_rate_init``, p = ``power_t`` and t the number of
          samples seen. Since η falls with the rows seen, a sample weight of
          2 is *not* the same as repeating the row under this schedule (it
          is for the other two).
        - ``'adaptive'``: η stays constant while the training loss (or the
          validation score, with ``early_stopping``) keeps improving; after
          ``n_iter_no_change`` epochs without improvement by ``tol`` it is
          divided by 5, and training stops once it is below 1e-6. A ``fit``
          can end with η far below η₀ (down to about 1e-7), and a
          ``partial_fit`` after it continues with that η, so it barely
          moves the weights: for a stream, start from a fresh model or use
          ``'constant'``.

    learning_rate_init : float or 'auto', default={learning_rate_init!r}
        The initial step size η. ``'auto'`` sets η = 1 / (2 λ̂) at the start
        of training, where λ̂ = κ E[λ_max(J Jᵀ)] bounds the curvature of the
        cost: J = ∂z⁽ᴸ⁾/∂θ is the Jacobian of the output's weighted inputs in
        all weights, taken by backpropagation on up to 1000 training rows,
        and κ the largest second derivative of the loss in z (1 for the
        squared error, 1/4 or 1/2 for the log-losses). It follows the width
        of the network and the scale of X, where a fixed η that learns on one
        problem can diverge or crawl on the next. The value used is
        ``learning_rate_init_``; a warm start keeps the first fit's.

    power_t : float, default=0.5
        Exponent of the ``'invscaling'`` schedule.

    max_iter : int, default={max_iter}
        Maximum number of epochs (passes over the training data). When it
        ends a fit whose loss (or validation score) was still improving (its
        last ``n_iter_no_change`` epochs, at most a tenth of the fit, gained
        more than ``tol`` and more than 1 % of the fit's whole gain), a
        ``ConvergenceWarning`` says by how much.

    shuffle : bool, default=True
        Whether to shuffle the samples before every epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the validation split and the shuffles. Pass
        an int for reproducible results across calls.

    tol : float, default=1e-4
        Minimum improvement of the training loss (or validation score) that
        counts as progress for the stopping rule. Progress is measured from
        the last epoch that made progress, so many small gains add up (a
        slow, steady descent is not taken for convergence, as in
        scikit-learn's rule, which compares every epoch with the best).

    verbose : bool or int, default=False
        Print the loss after every epoch.

    warm_start : bool, default=False
        When True, ``fit`` continues from the current weights instead of
        initialising new ones (the optimizer restarts, as in scikit-learn).

    momentum : float, default={momentum}
        Momentum μ of the SGD update v ← μ v − η g, between 0 and 1.

    nesterovs_momentum : bool, default=True
        Whether to use Nesterov's momentum.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified for
        classification), stop when the validation score stops improving, and
        keep the weights of the best epoch. Not available in ``partial_fit``.

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.

    n_iter_no_change : int or np.inf, default=10
        Number of epochs without improvement by ``tol`` that stops training
        (or, with ``learning_rate='adaptive'``, lowers η). A stop while the
        loss is still that of a prediction that ignores X warns with
        :class:`sknn.PlateauWarning`.

    init : {{'data', 'glorot'}}, default='data'
        The initial weights. ``'glorot'`` draws them as scikit-learn's MLP
        does (the same ``random_state`` gives the same start). ``'data'``
        places every hidden unit on the data: a random direction, scaled so
        that the unit's weighted input z has standard deviation
        ``init_scale`` over the training rows, and a bias that puts its step
        σ(z) = ½ at a random quantile of the rows along that direction (the
        output layer stays Glorot's). The network is then curved from the
        first epoch, whatever the scale of X, instead of starting as a
        nearly linear model on a plateau. It uses up to 1000 training rows
        and the sample weights.

    init_scale : float or 'auto', default={init_scale}
        With ``init='data'``, the standard deviation of each hidden unit's z
        over the training rows: about 1 keeps the rows on σ's steep middle,
        larger values make sharper steps, which a fit needs for fine detail
        (spirals, checkerboards) and which cost a smooth function accuracy.
        ``'auto'`` asks the data: the leave-one-out bandwidth h* of a kernel
        smoother of y (in standard deviations of each feature, on up to 1000
        rows) proposes ``clip(1 / h*, {init_scale}, 8 × {init_scale})``; where
        that is at least 1.5 × {init_scale}, two fits of 60 epochs (from
        {init_scale} and from the proposal) race on 80 % of up to 2000 rows,
        and the proposal is taken only if its loss on the other 20 % is lower
        by more than two standard errors (paired, row by row, with the sample
        weights). Otherwise, and always for ``partial_fit``, ``warm_start``
        and fewer than 250 rows, the start is that of ``init_scale={init_scale}``
        (the default). ``init_scale_`` and ``init_scale_race_``
        say what was chosen and why.""",
    "attributes": """init_scale_ : float
        The ``init_scale`` of the last start (``init_scale``, or the value
        ``'auto'`` chose); used with ``init='data'``.

    init_scale_race_ : dict or None
        Why ``'auto'`` chose ``init_scale_``: ``{{'bandwidth': h*, 'proposal':
        s, 'gain': d̄, 'se': SE}}`` (gain and se are None where the proposal
        was not sharp enough to race); None where no bandwidth was measured.

    learning_rate_init_ : float
        The initial η of the last training call that started the optimizer
        (``learning_rate_init``, or the value ``'auto'`` chose).

    learning_rate_curve_ : list of float
        The η of every epoch of ``loss_curve_`` (it changes with the
        ``'adaptive'`` and ``'invscaling'`` schedules).

    loss_ : float
        The cost C of the last epoch: the mean over its mini-batches, weighted
        by their total sample weight, of (1/m) Σᵢ sᵢ lossᵢ + (α / 2m) Σ ‖W‖².

    best_loss_ : float or None
        The lowest ``loss_`` reached; None with ``early_stopping``.

    loss_curve_ : list of float
        ``loss_`` after every epoch.

    validation_scores_ : list of float or None
        Score on the held-out set after every epoch of the last ``fit``, with
        ``early_stopping``; None otherwise.

    validation_loss_curve_ : list of float or None
        The cost C on the held-out set after every epoch of the last ``fit``,
        with ``early_stopping``; None otherwise. It is ``loss_`` computed on
        the held-out rows with the weights at the end of the epoch (same cost,
        penalty, sample and class weights, averaged over mini-batches of
        ``batch_size`` rows), so it can be plotted beside ``loss_curve_``: the
        gap between the two curves shows over-fitting.

    best_validation_score_ : float or None
        The best of ``validation_scores_``; None without ``early_stopping``.

    t_ : int
        Number of training samples seen, over all calls.

    coefs_ : list of ndarray of shape (fan_in, fan_out)
        ``coefs_[l]`` is the weight matrix W⁽ˡ⁺¹⁾ from layer l to layer l + 1
        (rows index the units feeding in). Assigning new arrays continues
        training from them.

    intercepts_ : list of ndarray of shape (fan_out,)
        ``intercepts_[l]`` is the bias vector b⁽ˡ⁺¹⁾ of layer l + 1.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit; only defined when X has feature
        names that are all strings.

    n_iter_ : int
        Number of epochs run by the last call (1 for ``partial_fit``).

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.""",
    "callbacks": """With scikit-learn >= 1.9, :meth:`set_callbacks` attaches callbacks from
    :mod:`sklearn.callback`, such as ``ProgressBar()`` (needs rich: install the
    ``progress`` extra) or ``ScoringMonitor(scoring=...)``. In a ``Pipeline``
    or ``GridSearchCV``, a ``ProgressBar`` set on the outer estimator reaches
    the network; a ``ScoringMonitor`` is set on the network itself and scores
    every fit the search makes. Every ``fit`` is a
    fit task with one sub-task per epoch (at most ``max_iter``), every
    ``partial_fit`` a fit task with exactly one epoch. At the end of each epoch
    a callback receives the data of the call, the caller's ``sample_weight``
    (without class weights) and an estimator that predicts with the weights of
    that epoch; returning True stops training after the epoch, without a
    ``ConvergenceWarning``. With an older scikit-learn, ``set_callbacks``
    raises an ``ImportError`` and training is unchanged.""",
    "threads": """Threads: the prediction methods and ``score`` may run in several
    threads at once, also while another thread calls ``partial_fit``: a
    training call publishes its new ``coefs_`` and ``intercepts_`` together
    at its end, so a prediction sees the model of before or after the call.
    Two training calls on one estimator at once are not safe, nor a fresh
    ``fit`` (or ``set_params``) while other threads use it (see "Threads: what
    is safe" in the user guide).""",
}


def fill_doc(**values):
    """Class decorator: fill ``{name}`` fields of the docstring from SHARED.

    ``values`` fill the fields inside the shared text (each estimator's own
    defaults).
    """

    def decorate(cls):
        fields = {name: text.format(**values) for name, text in SHARED.items()}
        cls.__doc__ = cls.__doc__.format(**fields)
        return cls

    return decorate
