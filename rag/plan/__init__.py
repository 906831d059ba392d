"""What a plan is: plan types (outlines and their key dates), the community profile, the draft
model with its sections and versions, and the draft store."""
