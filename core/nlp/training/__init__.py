"""Off-line model work, never imported by the chat server or the admin: fine-tuning the encoder
(`finetune`), training the emotion head (`emotion_head`) and the evaluation command
(`evaluate`). These modules may import torch, and the fine-tuning command reads the FAQs
through `core.crud`; run-time `core/nlp` does neither (tests/test_architecture.py)."""
