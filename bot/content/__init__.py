"""What is taught, read from `lessons/`: the lessons themselves (`lessons`), the order a lesson's
steps are shown in (`plan`), the facts they cite (`facts`), the wards a learner chooses from
(`areas`) and how far a learner has come through the course (`progress`).

Content imports nothing else of `bot/`: the kernel and every feature read it."""
