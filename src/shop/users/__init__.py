"""The users service: accounts (identity in Cognito), customer profiles, order notifications."""
