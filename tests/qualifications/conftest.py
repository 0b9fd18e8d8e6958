"""People in every role (the lifecycle's fixtures), for the review queue and for publishing a new
version of a NOS that qualifications use."""

from tests.lifecycle.conftest import org, other_org, people  # noqa: F401
