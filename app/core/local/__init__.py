"""The hospital's local layer (contract shared/contracts/local.md): its source model, pure and typed."""
