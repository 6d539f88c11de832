"""What ``kunnan export …`` reads out: the register, and the return sent up (上报)."""
