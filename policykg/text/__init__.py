"""Text the pipeline reads: views with offsets back to the source (:mod:`.textview`), the words of the domain (:mod:`.lexicon`) and the patterns built from them (:mod:`.patterns`)."""
