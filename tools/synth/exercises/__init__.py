"""One module per exercise: timeline, clean joint-angle keyframes, fault modifiers."""
