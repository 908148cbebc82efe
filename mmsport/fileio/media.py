"""Facts about media files shared by every reader (one definition each)."""

#: Video containers the readers recognise (lower case; test with
#: ``name.lower().endswith(VIDEO_EXTS)`` or ``ext.lower() in VIDEO_EXTS``).
VIDEO_EXTS = ('.mp4', '.mkv', '.avi', '.mov', '.webm', '.m4v', '.mpg', '.mpeg', '.flv',
              '.wmv', '.3gp', '.ts', '.mts')
