"""Drawing the view's models with pygame, on a thread of its own.

- :mod:`~station.ui.pygame.screen_thread`: :class:`ScreenThread`, the thread
  that owns pygame's video: it sleeps until the picture must change or input
  comes, builds the model at its own ``now`` and shows it;
- :mod:`~station.ui.pygame.display`: the window or full screen
  (:class:`PygameDisplay`), partial repaints, keys into button edges;
- :mod:`~station.ui.pygame.render`: :class:`Renderer`, a model onto a Surface;
- :mod:`~station.ui.pygame.text`, :mod:`~station.ui.pygame.shapes`,
  :mod:`~station.ui.pygame.charts`: text and big numbers (cached), the bar and
  icons, the summary's charts;
- :mod:`~station.ui.pygame.cache`: LRU caches bounded in bytes.
"""
