"""The four map templates the product ships, in English and French.

Pure data: no Django import, so migrations, fixtures and tests can load it freely.
One dict per (template, language). In ``structure``, a stage's ``phase`` is an
index into ``phases`` (or None), and ``cards`` stays empty: teams fill the cells.

French text follows French typography: a narrow no-break space (U+202F) before
``?``, ``!`` and ``;``, a no-break space (U+00A0) before ``:``, and typographic
apostrophes.
"""

from __future__ import annotations

BUILTIN_TEMPLATES: list[dict] = [
    # ------------------------------------------------------------------ current state
    {
        "key": "current_state",
        "language": "en",
        "kind": "current_state",
        "name": "Current state",
        "description": (
            "Map what customers do, think and feel today, stage by stage, to find pain points "
            "and guide step-by-step improvements. Start here if you are mapping a journey for the first time."
        ),
        "structure": {
            "phases": [
                {"title": "Before purchase"},
                {"title": "Purchase"},
                {"title": "Use"},
                {"title": "After purchase"},
            ],
            "stages": [
                {
                    "name": "Become aware of a need",
                    "phase": 0,
                    "description": "The customer realises they have a need or a problem and starts looking "
                    "for a way to solve it.",
                },
                {
                    "name": "Compare options",
                    "phase": 0,
                    "description": "They look for solutions, compare offers and ask people around them.",
                },
                {
                    "name": "Buy or sign up",
                    "phase": 1,
                    "description": "They make their choice, then buy or subscribe.",
                },
                {
                    "name": "Get help",
                    "phase": 2,
                    "description": "They use the product or service and ask for help when something is "
                    "unclear or goes wrong.",
                },
                {
                    "name": "Decide to stay or leave",
                    "phase": 3,
                    "description": "At renewal or after an incident, they decide whether to stay with us "
                    "or go elsewhere.",
                },
                {
                    "name": "Recommend",
                    "phase": 3,
                    "description": "They talk about their experience: they recommend us, or warn others off.",
                },
            ],
            "lanes": [
                {
                    "kind": "text",
                    "title": "Thinks & feels",
                    "prompt": "What does the customer think or feel?",
                },
                {"kind": "text", "title": "Actions", "prompt": "What does the customer do?"},
                {"kind": "touchpoints", "title": "Touchpoints", "prompt": "Where do they meet us?"},
                {"kind": "emotion", "title": "Emotions", "prompt": "How do they feel?"},
                {
                    "kind": "opportunities",
                    "title": "Opportunities",
                    "prompt": "What do we want to change at this stage?",
                },
                {"kind": "text", "title": "How and why", "prompt": "How and why will we make this change?"},
            ],
            "cards": [],
        },
    },
    {
        "key": "current_state",
        "language": "fr",
        "kind": "current_state",
        "name": "État actuel",
        "description": (
            "Décrivez ce que vos clients font, pensent et ressentent aujourd’hui, étape par étape, "
            "pour repérer les irritants et orienter des améliorations progressives. "
            "Le bon point de départ pour une première cartographie de parcours."
        ),
        "structure": {
            "phases": [
                {"title": "Avant l’achat"},
                {"title": "Achat"},
                {"title": "Utilisation"},
                {"title": "Après l’achat"},
            ],
            "stages": [
                {
                    "name": "Prendre conscience d’un besoin",
                    "phase": 0,
                    "description": "Le client prend conscience d’un besoin ou d’un problème et commence "
                    "à chercher comment y répondre.",
                },
                {
                    "name": "Comparer les offres",
                    "phase": 0,
                    "description": "Il se renseigne, compare les offres et demande conseil autour de lui.",
                },
                {
                    "name": "Acheter ou souscrire",
                    "phase": 1,
                    "description": "Il fait son choix, puis achète ou souscrit.",
                },
                {
                    "name": "Obtenir de l’aide",
                    "phase": 2,
                    "description": "Il utilise le produit ou le service et cherche de l’aide quand quelque "
                    "chose lui échappe ou ne fonctionne pas.",
                },
                {
                    "name": "Décider de rester ou de partir",
                    "phase": 3,
                    "description": "Au moment du renouvellement ou après un incident, il décide de rester "
                    "ou d’aller voir ailleurs.",
                },
                {
                    "name": "Recommander",
                    "phase": 3,
                    "description": "Il parle de son expérience\u00a0: il nous recommande, ou au contraire "
                    "met les autres en garde.",
                },
            ],
            "lanes": [
                {
                    "kind": "text",
                    "title": "Pensées et ressentis",
                    "prompt": "Que pense ou ressent le client\u202f?",
                },
                {"kind": "text", "title": "Actions", "prompt": "Que fait le client\u202f?"},
                {
                    "kind": "touchpoints",
                    "title": "Points de contact",
                    "prompt": "Où entre-t-il en contact avec nous\u202f?",
                },
                {"kind": "emotion", "title": "Émotions", "prompt": "Comment se sent-il\u202f?"},
                {
                    "kind": "opportunities",
                    "title": "Pistes d’amélioration",
                    "prompt": "Que voulons-nous changer à cette étape\u202f?",
                },
                {
                    "kind": "text",
                    "title": "Comment et pourquoi",
                    "prompt": "Comment et pourquoi allons-nous mener ce changement\u202f?",
                },
            ],
            "cards": [],
        },
    },
    # ------------------------------------------------------------------- future state
    {
        "key": "future_state",
        "language": "en",
        "kind": "future_state",
        "name": "Future state",
        "description": (
            "Picture what customers will do, think and feel once a new product, service or experience "
            "is in place. Use it to plan and share a vision, ideally side by side with the current-state map."
        ),
        "structure": {
            "phases": [
                {"title": "Before purchase"},
                {"title": "Purchase"},
                {"title": "Use"},
                {"title": "After purchase"},
            ],
            "stages": [
                {
                    "name": "Become aware of a need",
                    "phase": 0,
                    "description": "How the customer will discover their need, and how we will be there "
                    "when it happens.",
                },
                {
                    "name": "Compare options",
                    "phase": 0,
                    "description": "How they will compare options, and why ours will stand out.",
                },
                {
                    "name": "Buy or sign up",
                    "phase": 1,
                    "description": "What buying or signing up will be like once the new experience is in place.",
                },
                {
                    "name": "Get help",
                    "phase": 2,
                    "description": "How they will get help, ideally before they even need to ask.",
                },
                {
                    "name": "Decide to stay or leave",
                    "phase": 3,
                    "description": "What will make them want to stay.",
                },
                {
                    "name": "Recommend",
                    "phase": 3,
                    "description": "What they will tell others about us.",
                },
            ],
            "lanes": [
                {
                    "kind": "text",
                    "title": "Thinks & feels",
                    "prompt": "What will the customer think or feel?",
                },
                {"kind": "text", "title": "Actions", "prompt": "What will the customer do?"},
                {"kind": "touchpoints", "title": "Touchpoints", "prompt": "Where will they meet us?"},
                {"kind": "emotion", "title": "Emotions", "prompt": "How will they feel?"},
                {
                    "kind": "opportunities",
                    "title": "What changes",
                    "prompt": "What will we have changed at this stage?",
                },
                {"kind": "text", "title": "How and why", "prompt": "How will we get there, and why?"},
            ],
            "cards": [],
        },
    },
    {
        "key": "future_state",
        "language": "fr",
        "kind": "future_state",
        "name": "État futur",
        "description": (
            "Projetez ce que vos clients feront, penseront et ressentiront une fois le nouveau produit, "
            "service ou parcours en place. Idéal pour planifier et partager une vision, à mettre en regard "
            "de la carte de l’état actuel."
        ),
        "structure": {
            "phases": [
                {"title": "Avant l’achat"},
                {"title": "Achat"},
                {"title": "Utilisation"},
                {"title": "Après l’achat"},
            ],
            "stages": [
                {
                    "name": "Prendre conscience d’un besoin",
                    "phase": 0,
                    "description": "Comment le client prendra conscience de son besoin, et comment nous "
                    "serons présents à ce moment-là.",
                },
                {
                    "name": "Comparer les offres",
                    "phase": 0,
                    "description": "Comment il comparera les offres, et pourquoi la nôtre se démarquera.",
                },
                {
                    "name": "Acheter ou souscrire",
                    "phase": 1,
                    "description": "À quoi ressemblera l’achat ou la souscription une fois la nouvelle "
                    "expérience en place.",
                },
                {
                    "name": "Obtenir de l’aide",
                    "phase": 2,
                    "description": "Comment il obtiendra de l’aide, idéalement avant même d’avoir à la demander.",
                },
                {
                    "name": "Décider de rester ou de partir",
                    "phase": 3,
                    "description": "Ce qui lui donnera envie de rester.",
                },
                {
                    "name": "Recommander",
                    "phase": 3,
                    "description": "Ce qu’il dira de nous autour de lui.",
                },
            ],
            "lanes": [
                {
                    "kind": "text",
                    "title": "Pensées et ressentis",
                    "prompt": "Que pensera ou ressentira le client\u202f?",
                },
                {"kind": "text", "title": "Actions", "prompt": "Que fera le client\u202f?"},
                {
                    "kind": "touchpoints",
                    "title": "Points de contact",
                    "prompt": "Où entrera-t-il en contact avec nous\u202f?",
                },
                {"kind": "emotion", "title": "Émotions", "prompt": "Comment se sentira-t-il\u202f?"},
                {
                    "kind": "opportunities",
                    "title": "Ce qui change",
                    "prompt": "Qu’aurons-nous changé à cette étape\u202f?",
                },
                {
                    "kind": "text",
                    "title": "Comment et pourquoi",
                    "prompt": "Comment y parviendrons-nous, et pourquoi\u202f?",
                },
            ],
            "cards": [],
        },
    },
    # ---------------------------------------------------------------- day in the life
    {
        "key": "day_in_the_life",
        "language": "en",
        "kind": "day_in_the_life",
        "name": "A day in the life",
        "description": (
            "Follow the customer through a whole day, well beyond their dealings with your brand, "
            "to uncover needs nobody meets yet. Use it early in discovery or when looking for new ideas."
        ),
        "structure": {
            "phases": [],
            "stages": [
                {
                    "name": "Early morning",
                    "phase": None,
                    "description": "Waking up, getting ready, the commute.",
                },
                {
                    "name": "Late morning",
                    "phase": None,
                    "description": "Work or daily tasks in full swing.",
                },
                {
                    "name": "Afternoon",
                    "phase": None,
                    "description": "The lunch break and the afternoon’s activities.",
                },
                {
                    "name": "Early evening",
                    "phase": None,
                    "description": "Heading home, errands, family time.",
                },
                {
                    "name": "Night",
                    "phase": None,
                    "description": "Winding down, screens before bed, then sleep.",
                },
            ],
            "lanes": [
                {
                    "kind": "text",
                    "title": "Thinks & feels",
                    "prompt": "What does the customer think or feel?",
                },
                {
                    "kind": "text",
                    "title": "Actions & priorities",
                    "prompt": "What are their actions or top priorities?",
                },
                {
                    "kind": "touchpoints",
                    "title": "Touchpoints",
                    "prompt": "What touchpoints do they meet at this time?",
                },
                {
                    "kind": "text",
                    "title": "Product use",
                    "prompt": "How do they use our product at this time?",
                },
                {
                    "kind": "opportunities",
                    "title": "Opportunities",
                    "prompt": "How could they use our product better at this time?",
                },
                {"kind": "emotion", "title": "Emotions", "prompt": "How do they feel at this time of day?"},
            ],
            "cards": [],
        },
    },
    {
        "key": "day_in_the_life",
        "language": "fr",
        "kind": "day_in_the_life",
        "name": "Une journée dans la vie",
        "description": (
            "Suivez le client tout au long de sa journée, bien au-delà de ses échanges avec votre marque, "
            "pour faire émerger des besoins encore non satisfaits. Utile en phase d’exploration ou pour "
            "trouver de nouvelles idées."
        ),
        "structure": {
            "phases": [],
            "stages": [
                {
                    "name": "Tôt le matin",
                    "phase": None,
                    "description": "Le réveil, la préparation, le trajet.",
                },
                {
                    "name": "Fin de matinée",
                    "phase": None,
                    "description": "Le travail ou les tâches du quotidien battent leur plein.",
                },
                {
                    "name": "Après-midi",
                    "phase": None,
                    "description": "La pause déjeuner et les activités de l’après-midi.",
                },
                {
                    "name": "Début de soirée",
                    "phase": None,
                    "description": "Le retour à la maison, les courses, le temps en famille.",
                },
                {
                    "name": "Nuit",
                    "phase": None,
                    "description": "Le moment de décompresser, les écrans avant de dormir, puis le sommeil.",
                },
            ],
            "lanes": [
                {
                    "kind": "text",
                    "title": "Pensées et ressentis",
                    "prompt": "Que pense ou ressent le client\u202f?",
                },
                {
                    "kind": "text",
                    "title": "Actions et priorités",
                    "prompt": "Que fait-il, et quelles sont ses priorités du moment\u202f?",
                },
                {
                    "kind": "touchpoints",
                    "title": "Points de contact",
                    "prompt": "Quels points de contact croise-t-il à ce moment-là\u202f?",
                },
                {
                    "kind": "text",
                    "title": "Usage du produit",
                    "prompt": "Comment utilise-t-il notre produit à ce moment-là\u202f?",
                },
                {
                    "kind": "opportunities",
                    "title": "Pistes d’amélioration",
                    "prompt": "Comment pourrait-il mieux utiliser notre produit à ce moment-là\u202f?",
                },
                {
                    "kind": "emotion",
                    "title": "Émotions",
                    "prompt": "Comment se sent-il à ce moment de la journée\u202f?",
                },
            ],
            "cards": [],
        },
    },
    # -------------------------------------------------------------- service blueprint
    {
        "key": "service_blueprint",
        "language": "en",
        "kind": "service_blueprint",
        "name": "Service blueprint",
        "description": (
            "Start from a condensed service and support journey, then add the people, processes and systems "
            "behind each step. It shows where the work behind the scenes helps or hurts the experience."
        ),
        "structure": {
            "phases": [],
            "stages": [
                {
                    "name": "Normal use",
                    "phase": None,
                    "description": "Everything works as expected; the customer uses the service day to day.",
                },
                {
                    "name": "Notices a problem or has a complaint",
                    "phase": None,
                    "description": "Something goes wrong or falls short of what was promised.",
                },
                {
                    "name": "Asks for help, contacts support",
                    "phase": None,
                    "description": "They look for an answer on their own, then reach out to support.",
                },
                {
                    "name": "Talks with support or a representative",
                    "phase": None,
                    "description": "They explain the situation to an agent or their usual contact.",
                },
                {
                    "name": "The conflict or problem is resolved",
                    "phase": None,
                    "description": "The issue is settled, and the customer judges how it was handled.",
                },
            ],
            "lanes": [
                {
                    "kind": "text",
                    "title": "Thinks & feels",
                    "prompt": "What does the customer think or feel?",
                },
                {"kind": "text", "title": "Why they feel this way", "prompt": "Why do they feel this way?"},
                {
                    "kind": "text",
                    "title": "Physical evidence",
                    "prompt": "What does the customer see or hold? (the app screen, the letter, the technician’s van)",
                },
                {"kind": "text", "title": "Customer actions", "prompt": "What does the customer do?"},
                {"kind": "line_of_interaction", "title": "Line of interaction", "prompt": ""},
                {
                    "kind": "frontstage",
                    "title": "Frontstage",
                    "prompt": "How do we communicate with the customer?",
                },
                {"kind": "line_of_visibility", "title": "Line of visibility", "prompt": ""},
                {"kind": "backstage", "title": "Backstage", "prompt": "What do we do behind the scenes?"},
                {"kind": "line_of_internal_interaction", "title": "Line of internal interaction", "prompt": ""},
                {
                    "kind": "support",
                    "title": "Support processes and systems",
                    "prompt": "Which processes, tools and systems make this step possible?",
                },
            ],
            "cards": [],
        },
    },
    {
        "key": "service_blueprint",
        "language": "fr",
        "kind": "service_blueprint",
        "name": "Plan de service",
        "description": (
            "Partez d’un parcours de service et d’assistance condensé, puis ajoutez les équipes, les processus "
            "et les systèmes qui interviennent à chaque étape. Il montre où l’organisation interne "
            "sert ou dessert l’expérience client."
        ),
        "structure": {
            "phases": [],
            "stages": [
                {
                    "name": "Utilisation courante",
                    "phase": None,
                    "description": "Tout fonctionne comme prévu\u00a0: le client utilise le service au quotidien.",
                },
                {
                    "name": "Rencontre un problème ou veut faire une réclamation",
                    "phase": None,
                    "description": "Quelque chose ne fonctionne pas ou ne correspond pas à ce qui était promis.",
                },
                {
                    "name": "Cherche de l’aide, contacte le service client",
                    "phase": None,
                    "description": "Il cherche d’abord une réponse par lui-même, puis sollicite le service client.",
                },
                {
                    "name": "Échange avec le service client ou un conseiller",
                    "phase": None,
                    "description": "Il expose sa situation à un conseiller ou à son interlocuteur habituel.",
                },
                {
                    "name": "Le litige ou le problème est résolu",
                    "phase": None,
                    "description": "Le problème est réglé, et le client juge la façon dont il a été traité.",
                },
            ],
            "lanes": [
                {
                    "kind": "text",
                    "title": "Pensées et ressentis",
                    "prompt": "Que pense ou ressent le client\u202f?",
                },
                {
                    "kind": "text",
                    "title": "Raisons du ressenti",
                    "prompt": "Pourquoi ressent-il cela\u202f?",
                },
                {
                    "kind": "text",
                    "title": "Preuves physiques",
                    "prompt": "Que voit ou que tient le client\u202f? (l’écran de l’application, le courrier, "
                              "la camionnette du technicien)",
                },
                {"kind": "text", "title": "Actions du client", "prompt": "Que fait le client\u202f?"},
                {"kind": "line_of_interaction", "title": "Ligne d’interaction", "prompt": ""},
                {
                    "kind": "frontstage",
                    "title": "Front office",
                    "prompt": "Comment communiquons-nous avec le client\u202f?",
                },
                {"kind": "line_of_visibility", "title": "Ligne de visibilité", "prompt": ""},
                {
                    "kind": "backstage",
                    "title": "Back office",
                    "prompt": "Que faisons-nous en coulisses\u202f?",
                },
                {"kind": "line_of_internal_interaction", "title": "Ligne d’interaction interne", "prompt": ""},
                {
                    "kind": "support",
                    "title": "Processus et systèmes de support",
                    "prompt": "Quels processus, outils et systèmes rendent cette étape possible\u202f?",
                },
            ],
            "cards": [],
        },
    },
]
