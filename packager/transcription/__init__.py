"""Transcription: French transcript drafts from the footage, offline (faster-whisper), as cues that
already meet the subtitle rules, in the same review states as the translation.

words.py   the timed word every step shares
engine.py  faster-whisper models: where they live, loading, recognition with its Silero VAD
audio.py   the module's speech, cut from the footage on its timeline by ffmpeg
cues.py    cues from timed words (breaks, lengths, reading speed, durations, gaps, edit points)
align.py   a typed transcript's words timed by the machine's (sequence alignment)
flow.py    one module: what to fill, what a person wrote (kept), the SRT and its states
models.py  installing a faster-whisper model folder or zip, checked first
"""
