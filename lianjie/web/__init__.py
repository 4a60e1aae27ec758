"""`lianjie web`: the reports site, where each account reads exactly the documents its role may."""
