"""scikit-learn's estimator checks, with default parameters and no expected failures."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor


# The checks fit the default models on small data that is noise, sparse or of
# one label, where a fit that stops on a plateau says so; they check the API.
@pytest.mark.filterwarnings("ignore::sknn.PlateauWarning")
@parametrize_with_checks(
    [SigmoidMLPClassifier(), SigmoidMLPRegressor(), SigmoidMLPClassifier(loss="squared_error")]
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
