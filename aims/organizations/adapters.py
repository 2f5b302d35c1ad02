from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """People join an organisation by invitation from its administrator, not by signing up."""

    def is_open_for_signup(self, request) -> bool:
        return False
