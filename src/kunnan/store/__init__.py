"""The records every use case shares: look-ups by code, a household's status history, the
audit trail. Below services/ (which import it) and above models/ and domain/; it never
imports services/."""
