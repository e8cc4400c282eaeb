"""Modal dialogs (export, questions, notes, pickers): one module per dialog."""
